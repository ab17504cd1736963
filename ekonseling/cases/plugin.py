"""What the case book adds to the kernel: menu entries (with the referrals waiting as a badge),
home cards for counselors and the wali kelas, and the counseling timeline of the student page."""

from django.utils.translation import gettext_lazy as _

from ekonseling.core import registry

from . import home

registry.register_menu("cases:list", _("Case book"), "case.list", order=25)
# Counselors: the referrals waiting to be received, with their count as the badge (one query);
# the wali kelas: their own referrals (no badge: nothing waits on them).
registry.register_menu(
    "cases:referrals",
    _("Referrals to BK"),
    "referral.view",
    order=26,
    badge=home.waiting_referrals,
    badge_action="referral.inbox",
)

registry.register_home_card("cases.book", "cases/home/counselor.html", "home.cases", home.counselor_card, order=30)
registry.register_home_card(
    "cases.referrals_sent", "cases/home/wali_kelas.html", "home.referrals_sent", home.wali_kelas_card, order=40
)


def _timeline(request, student):
    from ekonseling.core import audit, policy

    user = request.user
    return {
        "student": student,
        "entries": home.timeline(student, user, **audit.request_origin(request)),
        "may_refer": user.role == "wali_kelas" and policy.can(user, "referral.create", student),
        "may_open": policy.can(user, "case.open_for", student),
    }


registry.register_student_section(
    "cases.timeline", "cases/_timeline.html", "student.view_case_timeline", _timeline, order=15
)
