"""What changes appointments: every write, transaction and audit line of the app. Each action takes
an explicit actor (and origin), so a view, a command and a test call it alike; a refusal is an
`AppointmentError` with a stable `appointments.<reason>` code."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ekonseling.accounts.models import Role
from ekonseling.core import audit, notify, policy, realtime
from ekonseling.core.errors import ActionError
from ekonseling.core.models import AuditEvent
from ekonseling.counseling import services as counseling
from ekonseling.counseling.models import Conversation, ConversationEvent
from ekonseling.students import caseload
from ekonseling.students.models import Student

from . import signalling, slots
from .models import (
    Appointment,
    AvailabilityException,
    CalendarFeed,
    CallSession,
    GroupMember,
    Medium,
    SchoolHoliday,
    WeeklySlot,
)

LATE_CANCELLATION = datetime.timedelta(hours=24)
DAY_BEFORE = datetime.timedelta(hours=24)
Action = AuditEvent.Action
SOON = datetime.timedelta(minutes=15)
MAX_TOPIC = 500


class AppointmentError(ActionError):
    code = "appointments.refused"


def counselors_for(student):
    """Who a student may ask for an appointment: the guru BK serving them, else the koordinator BK."""
    found = list(caseload.serving_guru_bk(student))
    return found or list(caseload.coordinators(student.school_id))


def _create(**fields):
    """Insert one appointment; the database refuses a second active one at the same start."""
    try:
        with transaction.atomic():
            return Appointment.objects.create(**fields)
    except IntegrityError:
        raise AppointmentError(
            _("That time has just been taken. Please choose another."), code="appointments.taken"
        ) from None


def request_slot(student, actor, counselor, starts_at, medium, topic, *, ip=None, user_agent=""):
    """A student asks for a free session of one of their counselors."""
    if student.status != Student.Status.ACTIVE:
        raise AppointmentError(_("Only an active student may ask for an appointment."), code="appointments.inactive")
    if medium not in Medium.values:
        raise AppointmentError(_("Choose a medium."), code="appointments.medium")
    if counselor.pk not in {c.pk for c in counselors_for(student)}:
        raise AppointmentError(_("This counselor does not take your appointments."), code="appointments.counselor")
    session = slots.session_at(counselor, starts_at)
    if session is None:
        raise AppointmentError(_("That time is not free. Please choose another."), code="appointments.not_free")
    appointment = _create(
        school_id=student.school_id,
        counselor=counselor,
        student=student,
        starts_at=session[0],
        ends_at=session[1],
        medium=medium,
        topic=(topic or "")[:MAX_TOPIC],
        created_by=actor,
    )
    audit.record_for(actor, Action.CREATE, appointment, "appointment requested", ip, user_agent)
    return appointment


def book(counselor, student, starts_at, minutes, medium, topic, *, ip=None, user_agent=""):
    """A counselor books a student directly (a call-in): confirmed at once, any future time."""
    if not policy.can(counselor, "appointment.book_for", student):
        raise AppointmentError(_("You do not serve this student."), code="appointments.not_serving")
    if starts_at <= timezone.now():
        raise AppointmentError(_("Choose a time in the future."), code="appointments.past")
    appointment = _create(
        school_id=student.school_id,
        counselor=counselor,
        student=student,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=minutes),
        medium=medium,
        topic=(topic or "")[:MAX_TOPIC],
        status=Appointment.Status.CONFIRMED,
        booked_by_counselor=True,
        created_by=counselor,
    )
    audit.record_for(counselor, Action.CREATE, appointment, "appointment booked by the counselor", ip, user_agent)
    return appointment


# --- group sessions (konseling kelompok) -------------------------------------------------------------


def _group_open(counselor, appointment):
    if not policy.can(counselor, "appointment.group", appointment):
        raise AppointmentError(_("Only a session you booked can be a group session."), code="appointments.not_group")
    if not appointment.is_active or appointment.ends_at <= timezone.now():
        raise AppointmentError(_("This appointment is over."), code="appointments.over")


def add_group_members(counselor, appointment, students, *, ip=None, user_agent=""):
    """Put students the counselor serves into a group session they booked: at most
    `MAX_GROUP_MEMBERS` beside its own student, each once, before it ends. The appointment's row is
    locked, so two additions at once cannot pass the cap together."""
    from .models import MAX_GROUP_MEMBERS

    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().select_related("student").get(pk=appointment.pk)
        _group_open(counselor, appointment)
        present = set(appointment.group_members.values_list("student_id", flat=True))
        added = []
        for student in students:
            if student.school_id != appointment.school_id or not policy.can(counselor, "appointment.book_for", student):
                raise AppointmentError(_("You do not serve this student."), code="appointments.not_serving")
            if student.status != Student.Status.ACTIVE:
                raise AppointmentError(_("Only an active student can join."), code="appointments.inactive")
            if student.pk == appointment.student_id or student.pk in present:
                raise AppointmentError(
                    _("%(name)s is already in this session.") % {"name": student.name}, code="appointments.member_twice"
                )
            present.add(student.pk)
            added.append(student)
        if len(present) > MAX_GROUP_MEMBERS:
            raise AppointmentError(
                _("A group session has at most %(count)d students.") % {"count": MAX_GROUP_MEMBERS + 1},
                code="appointments.group_full",
            )
        members = []
        for student in added:
            member = GroupMember.objects.create(
                school_id=appointment.school_id, appointment=appointment, student=student
            )
            audit.record_for(counselor, Action.CREATE, member, "group session member added", ip, user_agent)
            members.append(member)
        _tell_members_added(appointment, added)
    return members


def _tell_members_added(appointment, students):
    """The students put into a group session are told as a confirmed student is: their open pages
    refresh (the session is on their home card) and an e-mail with a link goes to those with an
    address (the time and medium; never the topic, nor who else is in it)."""
    accounts = Student.objects.filter(pk__in=[s.pk for s in students], user__isnull=False)
    users = list(accounts.values_list("user_id", "user__email"))
    realtime.announce_refresh([user_id for user_id, _email in users])
    emails = [email for _user_id, email in users if email]
    if emails:
        subject, body = _notice_mail(
            appointment,
            _("You have been added to a group counseling session"),
            _("You have been added to a group counseling session on %(when)s (%(medium)s). Details: %(link)s"),
        )
        transaction.on_commit(lambda: notify.send_link_mails(subject, body, emails), robust=True)


def _notice_mail(appointment, subject, body):
    """Subject and body of a notice about `appointment`: its local time, medium and a link, never the
    topic (an e-mail may be read by anyone at home). `body` is a translated text with `%(when)s`,
    `%(medium)s` and `%(link)s`."""
    local = timezone.localtime(appointment.starts_at, timezone.get_default_timezone())
    link = settings.SITE_URL.rstrip("/") + reverse("appointments:detail", args=[appointment.pk])
    return subject, body % {
        "when": local.strftime("%Y-%m-%d %H:%M"),
        "medium": appointment.get_medium_display(),
        "link": link,
    }


def remove_group_member(counselor, member, *, ip=None, user_agent=""):
    """Take a member out of a group session. Once committed, their open sockets are told
    (`access.changed`, the one broadcast of revoked access): a call they are in drops them at once
    (signalling asks the policy again), and its join and chat refuse them from then on."""
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=member.appointment_id)
        _group_open(counselor, appointment)
        audit.record_for(counselor, Action.DELETE, member, "group session member removed", ip, user_agent)
        user_id = Student.objects.filter(pk=member.student_id).values_list("user_id", flat=True).first()
        member.delete()
        if user_id:
            realtime.announce_access_changed([user_id])


def _transition(appointment, actor, frm, to, action, **extra):
    """Move the appointment from one of `frm` to `to` with one UPDATE conditional on its status."""
    changed = Appointment.objects.filter(pk=appointment.pk, status__in=frm).update(status=to, **extra)
    if not changed:
        raise AppointmentError(_("This appointment has changed meanwhile."), code="appointments.stale")
    audit.record_for(actor, Action.CHANGE, appointment, action)
    appointment.refresh_from_db()
    return appointment


def confirm(appointment, actor):
    """The counselor confirms a request; the student is told (their open pages refresh at once, and
    an e-mail with a link, no topic, goes to their address when they have one)."""
    with transaction.atomic():
        appointment = _transition(
            appointment, actor, [Appointment.Status.REQUESTED], Appointment.Status.CONFIRMED, "confirmed"
        )
        _tell_student_confirmed(appointment)
    return appointment


def _tell_student_confirmed(appointment):
    student_user = appointment.student.user if appointment.student.user_id else None
    if student_user is None:
        return
    realtime.announce_refresh([student_user.pk])
    if not student_user.email:
        return
    subject, body = _notice_mail(
        appointment,
        _("Your counseling appointment is confirmed"),
        _("Your counseling appointment on %(when)s (%(medium)s) is confirmed. Details: %(link)s"),
    )
    emails = [student_user.email]
    transaction.on_commit(lambda: notify.send_link_mails(subject, body, emails), robust=True)


def propose(appointment, actor, starts_at, minutes=None):
    """The counselor proposes another time; the student accepts it or cancels."""
    if starts_at <= timezone.now():
        raise AppointmentError(_("Choose a time in the future."), code="appointments.past")
    length = datetime.timedelta(minutes=minutes) if minutes else appointment.ends_at - appointment.starts_at
    try:
        with transaction.atomic():
            return _transition(
                appointment,
                actor,
                [Appointment.Status.REQUESTED, Appointment.Status.CONFIRMED],
                Appointment.Status.PROPOSED,
                "other time proposed",
                starts_at=starts_at,
                ends_at=starts_at + length,
                reminded_day_at=None,
                reminded_soon_at=None,
            )
    except IntegrityError:
        raise AppointmentError(_("That time is already booked."), code="appointments.taken") from None


def accept(appointment, actor):
    with transaction.atomic():
        return _transition(
            appointment, actor, [Appointment.Status.PROPOSED], Appointment.Status.CONFIRMED, "proposed time accepted"
        )


def cancel(appointment, actor, reason):
    reason = (reason or "").strip()
    if not reason:
        raise AppointmentError(_("Give a reason."), code="appointments.reason")
    now = timezone.now()
    late = actor.role == Role.SISWA and appointment.starts_at - now < LATE_CANCELLATION
    with transaction.atomic():
        return _transition(
            appointment,
            actor,
            list(Appointment.ACTIVE),
            Appointment.Status.CANCELLED,
            "cancelled",
            cancel_reason=reason[:300],
            cancelled_by=actor,
            cancelled_at=now,
            late_cancellation=late,
        )


def record_outcome(appointment, actor, outcome):
    """After the start: held, or the student did not come (a no-show)."""
    if outcome not in (Appointment.Status.DONE, Appointment.Status.NO_SHOW):
        raise AppointmentError(_("Choose an outcome."), code="appointments.outcome")
    if appointment.starts_at > timezone.now():
        raise AppointmentError(_("The appointment has not started yet."), code="appointments.not_started")
    with transaction.atomic():
        return _transition(appointment, actor, [Appointment.Status.CONFIRMED], outcome, f"outcome: {outcome}")


def call_chat(appointment, user, *, ip=None, user_agent=""):
    """The chat beside a 1:1 call: the student's open chat, handled by the appointment's counselor
    (or by nobody yet), that `user` may read. When the student has no open chat and the call is
    open, one is started (`services.start_conversation`), handled by the counselor from the start,
    so neither side faces an empty panel. A student has one open chat: when theirs is handled by
    another counselor, none is shown (not this counselor's to read) and none is started. A group
    session's chat is its own (`group_chat`)."""
    if appointment.group_members.exists() or appointment.student.user_id is None:
        return None  # a student without an account could not read it

    def find():
        chats = Conversation.objects.filter(
            Q(counselor=appointment.counselor_id) | Q(counselor__isnull=True),
            student_id=appointment.student_id,
            kind=Conversation.Kind.CHAT,
            status=Conversation.Status.OPEN,
        )
        return policy.visible(user, "conversation.view", chats).order_by("-pk").first()

    found = find()
    if found is not None or appointment.status != Appointment.Status.CONFIRMED or not signalling.is_open(appointment):
        return found
    with transaction.atomic():
        # One student, one open chat: two participants opening the call at once start one.
        Student.objects.select_for_update().filter(pk=appointment.student_id).first()
        chats = Conversation.objects.filter(
            student_id=appointment.student_id, kind=Conversation.Kind.CHAT, status=Conversation.Status.OPEN
        )
        if chats.exists():
            return find()
        conversation = counseling.start_conversation(appointment.student, counselor=appointment.counselor)
        ConversationEvent.objects.create(
            conversation=conversation, kind=ConversationEvent.Kind.STARTED, actor=appointment.counselor
        )
        audit.record_for(user, Action.CREATE, conversation, "chat started beside a call", ip, user_agent)
    return find()


def record_url(appointment):
    """The service-record form prefilled from the appointment (records reads these query params)."""
    from urllib.parse import urlencode

    local = timezone.localtime(appointment.starts_at, timezone.get_default_timezone())
    minutes = int((appointment.ends_at - appointment.starts_at).total_seconds() // 60)
    call = CallSession.objects.filter(appointment=appointment).first()
    if call is not None and call.minutes:  # a video or voice call: its real start and length
        local = timezone.localtime(call.started_at, timezone.get_default_timezone())
        minutes = call.minutes
    medium = appointment.medium
    query = urlencode(
        {"siswa": appointment.student_id, "medium": medium, "tanggal": local.date().isoformat(), "durasi": minutes}
    )
    return reverse("records:new") + "?" + query


# --- availability -------------------------------------------------------------------------------------


def add_weekly_slot(actor, weekday, starts_at, ends_at, minutes):
    if ends_at <= starts_at:
        raise AppointmentError(_("The end must be after the start."), code="appointments.interval")
    with transaction.atomic():
        slot = WeeklySlot.objects.create(
            school_id=actor.school_id,
            counselor=actor,
            weekday=weekday,
            starts_at=starts_at,
            ends_at=ends_at,
            session_minutes=minutes,
        )
        audit.record_for(actor, Action.CREATE, slot, "weekly slot added")
    return slot


def add_exception(actor, date, kind, starts_at=None, ends_at=None, minutes=30):
    if kind == AvailabilityException.Kind.EXTRA and (not starts_at or not ends_at or ends_at <= starts_at):
        raise AppointmentError(_("Extra hours need a start and a later end."), code="appointments.interval")
    with transaction.atomic():
        row = AvailabilityException.objects.create(
            school_id=actor.school_id,
            counselor=actor,
            date=date,
            kind=kind,
            starts_at=starts_at,
            ends_at=ends_at,
            session_minutes=minutes,
        )
        audit.record_for(actor, Action.CREATE, row, "availability exception added")
    return row


def delete_availability(actor, row):
    with transaction.atomic():
        audit.record_for(actor, Action.DELETE, row, "availability removed")
        row.delete()


def add_holiday(actor, date, name):
    with transaction.atomic():
        holiday, _created = SchoolHoliday.objects.update_or_create(
            school_id=actor.school_id, date=date, defaults={"name": name}
        )
        audit.record_for(actor, Action.CHANGE, holiday, "school holiday set")
    return holiday


def delete_holiday(actor, holiday):
    with transaction.atomic():
        audit.record_for(actor, Action.DELETE, holiday, "school holiday removed")
        holiday.delete()


# --- the calendar feed --------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def regenerate_feed(actor) -> str:
    """A new secret address for the counselor's calendar; the old one stops working. Returns the token."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.update_or_create(
            counselor=actor, defaults={"school_id": actor.school_id, "token_hash": token_hash(token)}
        )
        audit.record_for(actor, Action.CHANGE, actor, "calendar feed address made")
    return token


def revoke_feed(actor) -> None:
    with transaction.atomic():
        CalendarFeed.objects.filter(counselor=actor).delete()
        audit.record_for(actor, Action.CHANGE, actor, "calendar feed address revoked")


# --- reminders ----------------------------------------------------------------------------------------


def send_due_reminders(now=None) -> int:
    """E-mail the reminders that are due: a day before and 15 minutes before each confirmed
    appointment. Each is claimed with one conditional UPDATE, so of several processes (a request's
    periodic check, cron's `send_appointment_reminders`) only one sends it, at most once. The e-mail
    names no topic: a time, the medium and a link."""
    now = now or timezone.now()
    sent = 0
    confirmed = Appointment.objects.filter(status=Appointment.Status.CONFIRMED, starts_at__gt=now)
    for field, ahead, kind in (("reminded_soon_at", SOON, "soon"), ("reminded_day_at", DAY_BEFORE, "day")):
        due = confirmed.filter(**{f"{field}__isnull": True, "starts_at__lte": now + ahead})
        for pk in list(due.values_list("pk", flat=True)[:200]):
            claimed = Appointment.objects.filter(
                pk=pk, status=Appointment.Status.CONFIRMED, **{f"{field}__isnull": True}
            )
            extra = {field: now}
            if kind == "soon":  # too late for the day-before one: never send it afterwards
                extra["reminded_day_at"] = now
            if not claimed.update(**extra):
                continue
            appointment = Appointment.objects.select_related("student__user", "counselor").get(pk=pk)
            _send_reminder(appointment)
            sent += 1
    return sent


def _send_reminder(appointment):
    subject, body = _notice_mail(
        appointment,
        _("Counseling appointment reminder"),
        _("You have a counseling appointment on %(when)s (%(medium)s). Details: %(link)s"),
    )
    emails = [appointment.counselor.email]
    if appointment.student.user_id:
        emails.append(appointment.student.user.email)
    notify.send_link_mails(subject, body, emails)
