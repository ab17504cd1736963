"""What online counseling adds to the kernel: menu entries with live badges, the home cards of
what needs attention now (live: refreshed by static/js/live.js), the student-page section and the
key rotation of attachment files."""

from django.utils.translation import gettext_lazy as _

from ekonseling.core import registry


def _counselor_badge(user):
    from . import home

    return home.counselor_badge(user)


def _student_badge(user):
    from . import home

    return home.student_badge(user)


registry.register_menu("counseling:home", _("Counseling"), "counseling.start", order=10, badge=_student_badge)
registry.register_menu("counseling:inbox", _("Counseling inbox"), "counseling.inbox", order=20, badge=_counselor_badge)
registry.register_menu("counseling:call_ins", _("Call-ins"), "callin.list", order=25)
# The school's risk lexicon decides which students' messages raise alerts: the coordinator's call.
registry.register_menu("counseling:risk_lexicon", _("Risk lexicon"), "risk_lexicon.manage", order=30)


def _student_section(request, student):
    from ekonseling.core import audit

    from . import letters

    # The student always sees the section (it leads to counseling); staff only when there is something.
    conversations = letters.student_record(request.user, student, **audit.request_origin(request))
    from ekonseling.core import policy

    may_start = policy.can(request.user, "counseling.start_for", student)
    return {"student": student, "conversations": conversations, "may_start": may_start}


registry.register_student_section(
    "counseling.conversations",
    "counseling/letters/_student_section.html",
    "student.view_counseling",
    _student_section,
    order=10,
)


def _rotate_attachments(batch_size, out, err):
    from . import attachments

    attachments.rotate_files(batch_size, out, err)


registry.register_encrypted_files("counseling.attachments", _rotate_attachments)


def _counselor_card(request):
    from . import home

    return home.counselor_card(request)


def _student_card(request):
    from . import home

    return home.student_card(request)


def _operator_card(request):
    from ekonseling.accounts.models import Role

    from . import home

    return home.operator_card(request) if request.user.role == Role.OPERATOR else None


registry.register_home_card(
    "counseling.counselor", "counseling/home/counselor.html", "counseling.inbox", _counselor_card, order=5, live=True
)
registry.register_home_card(
    "counseling.student", "counseling/home/student.html", "counseling.start", _student_card, order=5, live=True
)
registry.register_home_card(
    "counseling.unreachable", "counseling/home/unreachable.html", "counseling.unreachable", _operator_card, order=5
)

# --- audit details (core.audit.shown_detail) ---------------------------------------------------------
detail = registry.register_audit_detail
detail(r"transferred to (?P<name>.*)", _("transferred to %(name)s"))
detail(r"attachment (?P<n>\d+)", _("attachment %(n)s"))
detail(r"conversation \(live\)", _("conversation (live)"))
detail(r"conversation PDF", _("conversation PDF"))
detail(r"identity revealed", _("identity revealed"))
detail(r"call-in sent", _("call-in sent"))
detail(r"call-in acknowledged", _("call-in acknowledged"))
# A ConversationEvent names itself in English ("reveal on 12").
registry.register_audit_repr(r"\w+ on .*")
