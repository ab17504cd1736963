"""Access rules for appointments.

- A student sees and requests their own appointments, with the counselors who serve them, and sees
  the group sessions (konseling kelompok) they are a member of.
- A counselor sees and manages the appointments they hold; the koordinator BK sees the school's.
- A counselor books a student they serve (`students.caseload.serves`), and puts students they serve
  into a group session they booked (`appointment.group`).
- Availability and the calendar feed are each counselor's own; the school calendar (holidays) is
  kept by the koordinator BK and the operator.
- A group session's chat is its participants' only (`appointment.group_chat`).
- The wali kelas and the principal see no appointment: that a student sees BK is confidential.
"""

from django.db.models import Exists, OuterRef, Q

from ekonseling.accounts.models import COUNSELOR_ROLES, Role
from ekonseling.core.policy import has_role, rule, scope
from ekonseling.students import caseload

from .models import GroupMember

rule("appointment.list")(has_role(Role.SISWA, *COUNSELOR_ROLES))
rule("appointment.request")(has_role(Role.SISWA))
rule("appointment.availability", "appointment.feed", "appointment.requests_badge")(has_role(*COUNSELOR_ROLES))
rule("appointment.holidays")(has_role(Role.KOORDINATOR_BK, Role.OPERATOR))
rule("home.appointments_today")(has_role(*COUNSELOR_ROLES))
rule("home.appointments_student")(has_role(Role.SISWA))


def _own_student(user, appointment):
    return appointment.student.user_id == user.pk


def _member(user, appointment):
    return appointment.group_members.filter(student__user=user).exists()


@rule("appointment.view")
def _view(user, appointment=None):
    if user.role == Role.SISWA:
        return appointment is None or _own_student(user, appointment) or _member(user, appointment)
    if user.role not in COUNSELOR_ROLES:
        return False
    return appointment is None or user.role == Role.KOORDINATOR_BK or appointment.counselor_id == user.pk


@rule("appointment.manage")
def _manage(user, appointment=None):
    """Confirm, propose another time, record the outcome: the appointment's counselor."""
    if user.role not in COUNSELOR_ROLES:
        return False
    return appointment is None or appointment.counselor_id == user.pk


@rule("appointment.cancel")
def _cancel(user, appointment=None):
    if appointment is None:
        return user.role in (Role.SISWA, *COUNSELOR_ROLES)
    return _manage(user, appointment) or (user.role == Role.SISWA and _own_student(user, appointment))


@rule("appointment.accept")
def _accept(user, appointment=None):
    return user.role == Role.SISWA and (appointment is None or _own_student(user, appointment))


@rule("appointment.group")
def _group(user, appointment=None):
    """Add or remove a group session's members: the counselor of an appointment they booked."""
    if user.role not in COUNSELOR_ROLES:
        return False
    return appointment is None or (appointment.counselor_id == user.pk and appointment.booked_by_counselor)


@rule("appointment.book_for")
def _book_for(user, student=None):
    if user.role not in COUNSELOR_ROLES:
        return False
    return student is None or caseload.serves(user, student)


@scope("appointment.view", "appointment.list")
def _scope_seen(user, queryset):
    """What one may read: a student's own appointments and the group sessions they are in."""
    if user.role == Role.SISWA:
        members = GroupMember.objects.filter(appointment=OuterRef("pk"), student__user=user)
        return queryset.filter(Q(student__user=user) | Exists(members))
    return _scope(user, queryset)


@scope("appointment.manage", "appointment.cancel", "appointment.accept", "appointment.group")
def _scope(user, queryset):
    if user.role == Role.SISWA:
        return queryset.filter(student__user=user)
    if user.role == Role.KOORDINATOR_BK:
        return queryset
    if user.role == Role.GURU_BK:
        return queryset.filter(counselor=user)
    return queryset.none()


# --- calls (video and voice; signalling.py) ---------------------------------------------------------------

CALL_MEDIA = ("video", "telepon")


def in_call(user, appointment):
    """The appointment's participants: its counselor, its student and a group session's members."""
    if appointment.counselor_id == user.pk:
        return True
    if user.role != Role.SISWA:
        return False
    return _own_student(user, appointment) or appointment.group_members.filter(student__user=user).exists()


@rule("appointment.join_call")
def _join_call(user, appointment=None):
    """Only the appointment's participants, and only for a video or voice appointment: the
    koordinator BK who may read every appointment is not one of them."""
    if user.role not in (Role.SISWA, *COUNSELOR_ROLES):
        return False
    return appointment is None or (appointment.medium in CALL_MEDIA and in_call(user, appointment))


@rule("appointment.admit")
def _admit(user, appointment=None):
    """Admit a waiting student, end the call: the appointment's counselor."""
    if user.role not in COUNSELOR_ROLES:
        return False
    return appointment is None or appointment.counselor_id == user.pk


@rule("appointment.group_chat")
def _group_chat(user, appointment=None):
    """Read and write the chat beside a group session's call: its participants now (a removed
    member no longer; its chat stays with the session when its last member is removed). The
    koordinator BK, who is in no call, does not read it."""
    if user.role not in (Role.SISWA, *COUNSELOR_ROLES):
        return False
    if appointment is None:
        return True
    group = appointment.group_members.exists() or appointment.chat_messages.exists()
    return group and in_call(user, appointment)


@scope("appointment.join_call", "appointment.group_chat")
def _call_scope(user, queryset):
    if user.role == Role.SISWA:
        return queryset.filter(Q(student__user=user) | Q(group_members__student__user=user)).distinct()
    if user.role in COUNSELOR_ROLES:
        return queryset.filter(counselor=user)
    return queryset.none()
