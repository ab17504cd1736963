"""What each source of alerts tells the safety pipeline about itself.

An app that raises alerts registers one `Source` at ready(): who may decide an alert of its kind,
who hears of a new one, where the counselor opens it, and what (if anything) changes on its side
when an alert is decided. Safety imports none of those apps; they import safety.

A hook left at its default treats the alert as being about its student: the counselors who serve
the student decide it and hear of it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q

from ekonseling.accounts.models import COUNSELOR_ROLES, Role, User
from ekonseling.core import policy
from ekonseling.students import caseload

from .models import Alert


def serves_student(user: User, alert: Alert) -> bool:
    """The counselors who serve the alert's student (the coordinator serves every student)."""
    return user.role in COUNSELOR_ROLES and policy.can(user, "student.view", alert.student)


def serving_q(user: User) -> Q:
    """The alerts on students `user` serves, as a filter on Alert."""
    from ekonseling.students.models import Student

    if user.role == Role.KOORDINATOR_BK:
        return Q()
    if user.role != Role.GURU_BK:
        return Q(pk__in=[])
    return Q(student__in=policy.visible(user, "student.view", Student.objects.all()).values("pk"))


def serving_counselors(alert: Alert) -> list[User]:
    return caseload.serving_counselors(alert.student)


@dataclass(frozen=True)
class Source:
    kind: str  # an Alert.Source value
    # The e-mail, in Indonesian on purpose (it goes out without a request): `{link}` is the only content.
    mail_subject: str
    mail_body: str
    # The page where the alert is read and decided, as a path.
    link: Callable[[Alert], str]
    # Fill `alert.url` and `alert.summary` (and anything the lists show) on many alerts at once.
    describe: Callable[[list[Alert]], None]
    may_decide: Callable[[User, Alert], bool] = serves_student
    visible: Callable[[User], Q] = serving_q
    recipients: Callable[[Alert], Iterable[User]] = serving_counselors
    # The inbox event told to the recipients' open pages, or None when the raiser tells them itself.
    inbox_event: Callable[[Alert], dict | None] = lambda alert: None
    # Called inside the decision's transaction (a conversation stops being urgent, say).
    decided: Callable[[Alert], None] = lambda alert: None
    # What alerts are "the same matter" for e-mail: one mail per thread within a window, with a
    # count (`actions.notify_alert`); by default each source object is its own thread.
    thread: Callable[[Alert], str] = lambda alert: f"{alert.source}:{alert.source_id}"
    # Raises the alerts that come due with time rather than with a request (a survey whose window
    # ended); the number raised. Run by `actions.run_sweeps`, so it must be cheap when nothing is due.
    sweep: Callable[[], int] | None = None


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    if source.kind not in Alert.Source.values:
        raise ValueError(f"{source.kind!r} is not an Alert.Source")
    _SOURCES[source.kind] = source


def get(kind: str) -> Source:
    try:
        return _SOURCES[kind]
    except KeyError:
        raise LookupError(f"No alert source {kind!r} is registered.") from None


def registered() -> list[Source]:
    return list(_SOURCES.values())
