"""The chat beside a group session's call (konseling kelompok): its actions and its alert source.

A 1:1 call's chat is the student's counseling chat (`actions.call_chat`). A group session has
several students, and a counseling `Conversation` belongs to one student (its inbox, export,
erasure and alerts all say whose it is), so a group's chat is the session's own: `GroupChatMessage`
rows bound to the appointment, read and written only by its participants now
(`appointment.group_chat`, asked at every post and every read: a removed member gets nothing
more). The body is encrypted at rest; a student's message is screened with the school's risk
lexicon, as a chat message is, and a flagged one raises an alert on the student who wrote it.
The messages travel as `call.chat` frames of the call's signalling (signalling.py).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from ekonseling.accounts.models import Role, User
from ekonseling.core import audit, policy
from ekonseling.core.errors import ActionError
from ekonseling.core.models import AuditEvent
from ekonseling.counseling import lexicons, protocol, risk
from ekonseling.counseling import services as counseling
from ekonseling.safety import actions as safety
from ekonseling.safety import sources
from ekonseling.safety.models import Alert
from ekonseling.students.models import Student

from .models import Appointment, GroupChatMessage

HISTORY = 200  # the latest messages a joining participant is given
# In Indonesian on purpose, as counseling's: the e-mail goes out without a request.
MAIL_SUBJECT = "[E-Konseling] Peringatan risiko: chat konseling kelompok perlu segera ditangani"
MAIL_BODY = (
    "Sebuah pesan siswa di chat sesi konseling kelompok menunjukkan tanda risiko. Buka sesinya segera:\n"
    "{link}\n\nIsi pesan tidak disertakan dalam e-mail ini demi kerahasiaan."
)


class GroupChatError(ActionError):
    code = "appointments.chat_refused"


def _session(user: User, appointment_id: int, *, lock: bool = False) -> Appointment:
    sessions = policy.visible(user, "appointment.group_chat", Appointment.objects.all())
    if lock:
        sessions = Appointment.objects.select_for_update().filter(pk__in=sessions.values("pk"))
    appointment = sessions.filter(pk=appointment_id).first()
    if appointment is None or not policy.can(user, "appointment.group_chat", appointment):
        raise GroupChatError(_("You cannot write in this chat."), code="appointments.chat_forbidden")
    return appointment


def frame(message: GroupChatMessage, names: dict[int, str]) -> dict:
    """A message as the page shows it: who wrote it (the session's participants see each other in
    the call anyway), their side, the text."""
    return {
        "seq": message.seq,
        "client_key": str(message.client_key),
        "sender": message.sender_id,
        "name": names.get(message.sender_id, ""),
        "sender_role": "student" if message.student_id else "counselor",
        "body": message.body,
        "created_at": message.created_at.isoformat(),
    }


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def post(user: User, appointment_id: int, client_key: object, body: object) -> dict:
    """Store a participant's message (once per client key) and return its frame. The appointment's
    row is locked while the number is given, so two messages never share one."""
    try:
        key = counseling.parse_client_key(client_key)
        text = counseling.validate_body(body)
    except counseling.PostError as error:
        raise GroupChatError(str(error), code=f"appointments.chat_{error.code}") from None
    if not protocol.may_send(user.pk):  # the counseling chat's send budget, shared with it: no flood
        raise GroupChatError(str(counseling.rate_limited_error()), code="appointments.chat_rate_limited")
    names = {user.pk: _name(user)}
    with transaction.atomic():
        appointment = _session(user, appointment_id, lock=True)
        earlier = GroupChatMessage.objects.filter(appointment=appointment, sender=user, client_key=key).first()
        if earlier is not None:
            return frame(earlier, names)
        student = None
        screening = None
        if user.role == Role.SISWA:
            student = Student.objects.filter(user=user, school_id=appointment.school_id).first()
            screening = risk.screen(text, lexicons.for_school(appointment.school_id))
        last = GroupChatMessage.objects.filter(appointment=appointment).aggregate(last=Max("seq"))["last"] or 0
        try:
            with transaction.atomic():
                message = GroupChatMessage.objects.create(
                    school_id=appointment.school_id,
                    appointment=appointment,
                    seq=last + 1,
                    sender=user,
                    student=student,
                    client_key=key,
                    body=text,
                    flagged=bool(screening and screening.flagged),
                )
        except IntegrityError:
            raise GroupChatError(_("The message was not sent. Try again."), code="appointments.chat_busy") from None
        if student is not None and screening is not None and screening.flagged:
            safety.raise_alert(
                student=student,
                source=Alert.Source.GROUP_CHAT,
                source_id=message.pk,
                items=counseling.alert_items(screening),
                severity=screening.triage or screening.severity or "medium",
            )
    return frame(message, names)


def _read(user: User, appointment_id: int, ip: str | None, user_agent: str) -> list[GroupChatMessage] | None:
    try:
        appointment = _session(user, appointment_id)
    except GroupChatError:
        return None
    rows = list(
        GroupChatMessage.objects.filter(appointment=appointment).select_related("sender").order_by("-seq")[:HISTORY]
    )
    rows.reverse()
    if user.role != Role.SISWA and rows:
        with transaction.atomic():
            audit.record_for(user, AuditEvent.Action.READ, appointment, "group session chat read", ip, user_agent)
    return rows


def _names(rows: list[GroupChatMessage]) -> dict[int, str]:
    return {m.sender_id: _name(m.sender) for m in rows if m.sender is not None}


def history(user: User, appointment_id: int, *, ip: str | None = None, user_agent: str = "") -> list[dict] | None:
    """The latest messages for a participant now, oldest first; None when the appointment is no
    group session of theirs. A counselor's read is audited, as their read of a chat is."""
    rows = _read(user, appointment_id, ip, user_agent)
    if rows is None:
        return None
    names = _names(rows)
    return [frame(m, names) for m in rows]


def transcript(user: User, appointment: Appointment, *, ip: str | None = None, user_agent: str = "") -> list[dict]:
    """The chat on the appointment's page, where its alerts lead: for the counselor in it, with the
    flagged messages marked (a student's page never says which of their messages raised one)."""
    rows = _read(user, appointment.pk, ip, user_agent) or []
    names = _names(rows)
    return [{**frame(m, names), "flagged": m.flagged} for m in rows]


# --- the alert source ---------------------------------------------------------------------------------------


def _link(alert: Alert) -> str:
    appointment_id = GroupChatMessage.objects.filter(pk=alert.source_id).values_list("appointment_id", flat=True)
    return reverse("appointments:detail", args=[appointment_id.first() or 0])


def _describe(alerts: list[Alert]) -> None:
    sessions = dict(
        GroupChatMessage.objects.filter(pk__in=[a.source_id for a in alerts]).values_list("pk", "appointment_id")
    )
    for alert in alerts:
        alert.badge = _("Risk alert")
        alert.url = reverse("appointments:detail", args=[sessions.get(alert.source_id, 0)])
        alert.summary = ", ".join(map(str, alert.items)) or alert.severity


def _thread(alert: Alert) -> str:
    appointment_id = GroupChatMessage.objects.filter(pk=alert.source_id).values_list("appointment_id", flat=True)
    return f"group_chat:{appointment_id.first()}"


def register() -> None:
    sources.register(
        sources.Source(
            kind=Alert.Source.GROUP_CHAT,
            mail_subject=MAIL_SUBJECT,
            mail_body=MAIL_BODY,
            link=_link,
            describe=_describe,
            thread=_thread,
        )
    )
