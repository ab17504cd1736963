"""The information service in the kernel: menu entries (the student's with an unread badge) and the
student's home card."""

from django.utils.translation import gettext_lazy as _

from ekonseling.core import registry


def _unread(user):
    from . import services

    return services.unread_count(user)


registry.register_menu("information:my", _("Information"), "information.my", order=12, badge=_unread)
registry.register_menu("information:list", _("Information service"), "information.manage", order=30)
registry.register_menu("information:polls_my", _("Polls"), "poll.answer", order=13)


def _student_card(request):
    from . import services

    student = services.student_of(request.user)
    if student is None:
        return None
    articles = list(services.addressed(request.user).exclude(reads__student=student).order_by("-publish_at")[:3])
    return {"articles": articles, "unread": services.unread_count(request.user)} if articles else None


registry.register_home_card(
    "information.student", "information/home/student.html", "information.my", _student_card, order=6
)
