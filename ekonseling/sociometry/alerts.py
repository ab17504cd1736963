"""Sociometry's part in the safety pipeline: a student whom several classmates reject in a closed
survey ("ditolak") is an alert source ("sociometry"), of severity `attention`.

What is an alert and what is not (docs/sociometry.md, "Flags and alerts"):

- **ditolak** raises an alert: R_j ≥ max(2, mean(R) + SD(R)) means at least two classmates, and
  more than the class usually does, named the student as someone they would rather not be with.
  That is an active signal (a conflict, exclusion, bullying) that a counselor should follow up and
  decide (handled, or a false alarm with a note). It does not depend on who else answered: a
  missing sheet can only lower R_j, never raise it. Only a clear case is an alert: rejected by at
  least 3 classmates and by at least a fifth of those who answered (`services.is_alert`); the
  category's own floor (2, above mean + SD) is met by chance in many a class where everyone names
  one rejection (`make bench`'s random school flagged 458 of 1,224 students with it), and a noisy
  alarm is one counselors learn to ignore. The others stay ditolak on the home card.
- **terisolir** (nobody chose them) and **diabaikan** (chosen, but little) stay attention items on
  the sociometry home card and the student page, with their suggested services. Zero choices
  received is not an emergency and is weak evidence on its own: a new student, an absent one, or a
  class where some sheets are missing (every missing sheet can make someone look isolated).

None of them is urgent: the alert's severity is `safety.models.ATTENTION`, so it is counted on the
menu badge and listed on the home page under "To follow up", after the urgent chats and critical
items, never among them; its e-mail says it is not an emergency.

The source id is the student's `Member` row of the survey, so one student has at most one alert per
survey whatever the re-analyses (late paper sheets, a moved window): `safety.raise_alert` is
idempotent per source and items. Only the latest closed survey with answers of a rombel raises
alerts, as only it makes the home card's flags. The alert follows sociometry's access: the guru BK
of the survey's rombel and the koordinator BK decide it, see it and are told of it (a guru BK who
serves the student only individually does not see the class's choices, so not this alert either).
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from ekonseling.accounts.models import COUNSELOR_ROLES, Role, User
from ekonseling.core import audit
from ekonseling.safety import sources
from ekonseling.safety.models import Alert
from ekonseling.students import caseload
from ekonseling.students.models import Rombel

from .models import Member

SOCIOMETRY = Alert.Source.SOCIOMETRY

# Kept in Indonesian on purpose, like the other alert e-mails: they go out without a request.
MAIL_SUBJECT = "[E-Konseling] Hasil sosiometri: siswa perlu ditindaklanjuti (bukan darurat)"
MAIL_BODY = (
    "Hasil sosiometri sebuah kelas yang sudah ditutup menunjukkan seorang siswa ditolak oleh beberapa "
    "teman sekelasnya. Ini bukan keadaan darurat, tetapi perlu ditindaklanjuti:\n{link}\n\n"
    "Nama siswa dan pilihan teman-temannya tidak disertakan dalam e-mail ini demi kerahasiaan."
)


def _members_served(user: User):
    return Member.objects.filter(survey__rombel_id__in=caseload.rombel_ids(user)).values("pk")


def _visible(user: User) -> Q:
    if user.role == Role.KOORDINATOR_BK:
        return Q()
    if user.role != Role.GURU_BK:
        return Q(pk__in=[])
    return Q(source_id__in=_members_served(user))


def _may_decide(user: User, alert: Alert) -> bool:
    if user.role not in COUNSELOR_ROLES:
        return False
    return user.role == Role.KOORDINATOR_BK or _members_served(user).filter(pk=alert.source_id).exists()


def _recipients(alert: Alert) -> list[User]:
    """The active guru BK of the survey's rombel, then the koordinator BK."""
    member = Member.objects.filter(pk=alert.source_id).values("survey__rombel_id").first()
    guru = User.objects.none()
    if member is not None:
        guru = User.objects.filter(
            school_id=alert.school_id,
            role=Role.GURU_BK,
            is_active=True,
            pk__in=Rombel.counselors.through.objects.filter(rombel_id=member["survey__rombel_id"]).values("user_id"),
        ).order_by("pk")
    return caseload.once(guru, caseload.coordinators(alert.school_id))


def _link(alert: Alert) -> str:
    return reverse("sociometry:alert", args=[alert.pk])


def _describe(alerts: list[Alert]) -> None:
    titles = dict(Member.objects.filter(pk__in=[a.source_id for a in alerts]).values_list("pk", "survey__title"))
    for alert in alerts:
        alert.badge = _("sociometry")
        alert.url = _link(alert)
        alert.summary = f"{titles.get(alert.source_id, '')} · {', '.join(map(str, alert.items))}"


def _thread(alert: Alert) -> str:
    # The students flagged by one survey are one matter: one e-mail, then one digest with their number.
    survey_id = Member.objects.filter(pk=alert.source_id).values_list("survey_id", flat=True).first()
    return f"sociometry:survey:{survey_id}"


def _sweep() -> int:
    from . import services

    return services.sweep_alerts()


def read_alert(alert: Alert, viewer: User, *, ip: str | None = None, user_agent: str = ""):
    """The member row and the student's indices under every criterion of the survey, for `viewer`
    (who may decide the alert: the caller's check). Audited: it says how the class sees the student."""
    from . import services

    member = Member.objects.select_related("survey__rombel").get(pk=alert.source_id)
    rows = services.student_status(services.analyse(member.survey), member.student_id)
    audit.record_for(
        viewer, audit.Action.READ, alert, f"sociometric status: {', '.join(map(str, alert.items))}", ip, user_agent
    )
    return member, rows


def register() -> None:
    sources.register(
        sources.Source(
            kind=SOCIOMETRY,
            mail_subject=MAIL_SUBJECT,
            mail_body=MAIL_BODY,
            link=_link,
            describe=_describe,
            may_decide=_may_decide,
            visible=_visible,
            recipients=_recipients,
            thread=_thread,
            sweep=_sweep,
        )
    )
