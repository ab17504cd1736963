"""Access rules for online counseling: chats, letters, anonymous questions, the risk lexicon."""

from django.db.models import Q

from ekonseling.accounts.models import COUNSELOR_ROLES, Role
from ekonseling.core.policy import has_role, rule, scope
from ekonseling.students import caseload

# Counseling content is read by the student who wrote it and the counselor who handles it. A new,
# unclaimed conversation is open to the counselors who serve the student (and the coordinator), so
# one of them can claim it; an urgent one (a risk alert) is open to the coordinator too. Wali kelas,
# principal and operator never read counseling content.


rule("counseling.start")(has_role(Role.SISWA))
rule("counseling.inbox")(has_role(*COUNSELOR_ROLES))
# The school's risk lexicon decides which students' messages raise alerts: the coordinator's call.
rule("risk_lexicon.manage")(has_role(Role.KOORDINATOR_BK))


@rule("conversation.view", "conversation.post")
def _conversation_view(user, conversation=None):
    if conversation is None:
        return user.role in (Role.SISWA, *COUNSELOR_ROLES)
    if user.role == Role.SISWA:
        return conversation.student.user_id == user.pk and _not_withheld(user, conversation)
    if user.role not in COUNSELOR_ROLES:
        return False
    if conversation.counselor_id == user.pk:
        return True
    if conversation.counselor_id is None:
        return caseload.serves(user, conversation.student)
    return user.role == Role.KOORDINATOR_BK and conversation.urgent


def _not_withheld(user, conversation):
    """After someone else gave a student account its password (a reset, a new account), what the
    account wrote before is not the card holder's to read until the student proves continuity
    (`User.counseling_visible_from`; docs/anonymity.md)."""
    return user.counseling_visible_from is None or conversation.created_at >= user.counseling_visible_from


@rule("conversation.claim")
def _conversation_claim(user, conversation=None):
    if user.role not in COUNSELOR_ROLES:
        return False
    return conversation is None or (conversation.counselor_id is None and caseload.serves(user, conversation.student))


@rule("conversation.manage")
def _conversation_manage(user, conversation=None):
    """Transfer, close, reopen, export, mark an alert: the handling counselor or the coordinator."""
    if user.role not in COUNSELOR_ROLES:
        return False
    if conversation is None:
        return True
    return conversation.counselor_id == user.pk or (
        user.role == Role.KOORDINATOR_BK and _conversation_view(user, conversation)
    )


@rule("conversation.see_identity")
def _conversation_identity(user, conversation=None):
    """An anonymous question hides the student until they reveal themselves; a risk alert lets
    the coordinator see who it is."""
    if conversation is None or not conversation.identity_hidden:
        return True
    if user.role == Role.SISWA:
        return conversation.student.user_id == user.pk and _not_withheld(user, conversation)
    return user.role == Role.KOORDINATOR_BK and conversation.urgent


@scope("conversation.view", "conversation.post")
def _conversation_scope(user, queryset):
    if user.role == Role.SISWA:
        queryset = queryset.filter(student__user=user)
        if user.counseling_visible_from is not None:
            queryset = queryset.filter(created_at__gte=user.counseling_visible_from)
        return queryset
    if user.role == Role.GURU_BK:
        return queryset.filter(Q(counselor=user) | Q(counselor__isnull=True, student__in=caseload.caseload(user)))
    if user.role == Role.KOORDINATOR_BK:
        return queryset.filter(Q(counselor=user) | Q(counselor__isnull=True) | Q(urgent=True))
    return queryset.none()


# --- counselor-started conversations and call-ins ---------------------------------------------------------
# A counselor reaches out to a student of their caseload (students.caseload is the one answer): a chat,
# a letter, or a call-in (panggilan) the student sees on their home and acknowledges.


@rule("counseling.start_for", "callin.create")
def _start_for(user, student=None):
    if user.role not in COUNSELOR_ROLES:
        return False
    return student is None or caseload.serves(user, student)


rule("callin.list")(has_role(*COUNSELOR_ROLES))
# Who cannot be reached by alert e-mail (a counselor account without an address): the coordinator
# and the operator, who can add one.
rule("counseling.unreachable")(has_role(Role.KOORDINATOR_BK, Role.OPERATOR))


@rule("callin.view")
def _callin_view(user, call_in=None):
    if call_in is None:
        return user.role in (Role.SISWA, *COUNSELOR_ROLES)
    if user.role == Role.SISWA:
        return call_in.student.user_id == user.pk
    if user.role not in COUNSELOR_ROLES:
        return False
    return call_in.counselor_id == user.pk or caseload.serves(user, call_in.student)


@rule("callin.acknowledge")
def _callin_acknowledge(user, call_in=None):
    if user.role != Role.SISWA:
        return False
    return call_in is None or call_in.student.user_id == user.pk


@rule("callin.manage")
def _callin_manage(user, call_in=None):
    """Mark it met or cancel it: the counselor who sent it, or the coordinator."""
    if user.role not in COUNSELOR_ROLES:
        return False
    return call_in is None or call_in.counselor_id == user.pk or user.role == Role.KOORDINATOR_BK


@scope("callin.view")
def _callin_scope(user, queryset):
    if user.role == Role.SISWA:
        return queryset.filter(student__user=user)
    if user.role == Role.GURU_BK:
        return queryset.filter(Q(counselor=user) | Q(student__in=caseload.caseload(user)))
    if user.role == Role.KOORDINATOR_BK:
        return queryset
    return queryset.none()
