"""What needs me now: the counseling home cards and menu badges.

A guru BK or koordinator sees, most urgent first: urgent conversations (a risk alert) and open
urgent alerts of other sources (a critical item ticked on an instrument), then conversations nobody
has claimed, then their own conversations waiting for their reply, then the alerts only to follow
up (severity `attention`: a student several classmates reject in a sociometric survey). A student
sees their conversations with unread replies and their counselors' call-ins. A counselor whose
alerts cannot reach them (no e-mail on the account) is told so; the koordinator and the operator
see who is unreachable.

Everything here is read through the access policy, in a fixed number of queries whatever the size
of the school (tests pin them). Nothing singles out the asker of an anonymous question: a row shows
"Anonymous" unless the viewer may see who it is, and rows are ordered by what every viewer sees
(tests/counseling/test_anonymity_metadata.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse

from ekonseling.accounts.models import COUNSELOR_ROLES, Role, User
from ekonseling.core import policy
from ekonseling.safety import actions as safety
from ekonseling.safety.models import Alert
from ekonseling.students import caseload

from . import services
from .models import CallIn, Conversation, Message, Participant

if TYPE_CHECKING:
    from django.db.models import QuerySet

ROWS = 5  # rows per group on a card; the inbox has the rest
# The columns a card row, the identity rule and the claim rule read.
ROW_FIELDS = (
    "id",
    "school_id",
    "kind",
    "student_id",
    "counselor_id",
    "status",
    "urgent",
    "anonymous",
    "revealed_at",
    "last_seq",
    "last_message_at",
    "awaiting_reply",
    "created_at",
    "student__id",
    "student__school_id",
    "student__user_id",
    "student__name",
    "student__rombel_id",
    "student__rombel__id",
    "student__rombel__name",
    "counselor__id",
    "counselor__username",
    "counselor__full_name",
    "counselor__first_name",
    "counselor__last_name",
    "counselor__role",
)
URGENT, UNCLAIMED, AWAITING = 0, 1, 2
_SENTINEL_PK = 987654321987  # stands for a row's id in a URL reversed once per card


def _attention_q(user: User) -> tuple[Q, Q, Q]:
    open_ = Q(status=Conversation.Status.OPEN)
    urgent = Q(urgent=True)
    unclaimed = open_ & Q(counselor__isnull=True, urgent=False)
    awaiting = open_ & Q(counselor=user, awaiting_reply=True, urgent=False)
    return urgent, unclaimed, awaiting


def _visible_conversations(user: User) -> QuerySet[Conversation]:
    # An empty chat (opened, nothing written yet) is nothing to answer, as in the inbox.
    return policy.visible(user, "conversation.view", Conversation.objects.filter(last_seq__gt=0))


def counselor_counts(user: User) -> dict[str, int]:
    """{urgent, unclaimed, awaiting, alerts, follow_up}: one query for the conversations, one for the alerts."""
    urgent, unclaimed, awaiting = _attention_q(user)
    # Aliases unlike the fields the filters name (`urgent` is a column).
    found = _visible_conversations(user).aggregate(
        n_urgent=Count("pk", filter=urgent),
        n_unclaimed=Count("pk", filter=unclaimed),
        n_awaiting=Count("pk", filter=awaiting),
    )
    counts = {key.removeprefix("n_"): value or 0 for key, value in found.items()}
    counts.update(_alert_counts(user))
    return counts


def _alert_counts(user: User) -> dict[str, int]:
    """Urgent alerts (a critical item) and those only to follow up (a student the class rejects), in
    one query, counted by source: the request remembers them, so the instruments card, say, does
    not look for critical-item alerts when there are none (`safety.open_alerts`)."""
    counted = safety.open_counts(user, exclude_source=Alert.Source.MESSAGE).values()
    return {"alerts": sum(urgent for urgent, _ in counted), "follow_up": sum(follow_up for _, follow_up in counted)}


def counselor_badge(user: User) -> int:
    """The inbox's badge: urgent + unclaimed + waiting for this counselor's reply + open alerts of
    other sources (urgent or to follow up)."""
    if user.role not in COUNSELOR_ROLES:
        return 0
    return sum(counselor_counts(user).values())


def counselor_card(request: Any) -> dict:
    user = request.user
    urgent, unclaimed, awaiting = _attention_q(user)
    # Which rows to show: the ids of every waiting conversation in order (ids only, cheap), a few
    # of each group kept; then those few loaded. (A window function did it in one query, but cost
    # more to build than both together.)
    ranked = (
        _visible_conversations(user)
        .filter(urgent | unclaimed | awaiting)
        .annotate(
            group=Case(
                When(urgent, then=Value(URGENT)),
                When(unclaimed, then=Value(UNCLAIMED)),
                default=Value(AWAITING),
                output_field=IntegerField(),
            )
        )
        .order_by("group", F("last_message_at").desc(nulls_last=True), "-pk")
        .values_list("pk", "group")
    )
    picked: dict[int, int] = {}
    # The groups are disjoint, so counting the ranked rows gives the card's counts (as
    # counselor_counts would, without its query).
    taken = {URGENT: 0, UNCLAIMED: 0, AWAITING: 0}
    for pk, group in ranked.iterator():
        if taken[group] < ROWS:
            picked[pk] = group
        taken[group] += 1
    loaded = (
        Conversation.objects.filter(pk__in=picked)
        .select_related("student__rombel", "counselor")
        # Only what the row and the rules it asks read: a student row has some forty columns,
        # encrypted ones among them, and building them cost more than the query.
        .only(*ROW_FIELDS)
    )
    loaded = loaded.in_bulk() if picked else {}
    rows = [loaded[pk] for pk in picked if pk in loaded]
    if user.role == Role.GURU_BK:
        # "May take it" asks whether the student is in this guru BK's caseload, for a conversation
        # nobody has taken (a taken one is never claimable). The conversation scope shows a guru BK
        # an untaken conversation only of their caseload (rules._conversation_scope), so the answer
        # for those rows is already known: no query, no prefetch of every row's counselors.
        for conversation in rows:
            if conversation.counselor_id is None:
                caseload.mark_in_caseload(user, conversation.student)
    for conversation in rows:
        conversation.group = picked[conversation.pk]
    groups: dict[int, list[Conversation]] = {URGENT: [], UNCLAIMED: [], AWAITING: []}
    # Each row's links from one reversed URL each (as the caseload card's): reversing two or three
    # per row cost more than the rows' access rules.
    open_url, claim_url = (
        reverse(name, args=[_SENTINEL_PK]) for name in ("counseling:conversation", "counseling:claim")
    )
    for conversation in rows:
        conversation.show_identity = policy.can(user, "conversation.see_identity", conversation)
        conversation.may_claim = policy.can(user, "conversation.claim", conversation)
        conversation.url = open_url.replace(str(_SENTINEL_PK), str(conversation.pk))
        if conversation.may_claim:
            conversation.claim_url = claim_url.replace(str(_SENTINEL_PK), str(conversation.pk))
        groups[conversation.group].append(conversation)
    counts = {"urgent": taken[URGENT], "unclaimed": taken[UNCLAIMED], "awaiting": taken[AWAITING]}
    counts.update(_alert_counts(user))
    alerts = (
        safety.open_alerts(user, exclude_source=Alert.Source.MESSAGE, urgent=True, limit=ROWS)
        if counts["alerts"]
        else []
    )
    follow_up = (
        safety.open_alerts(user, exclude_source=Alert.Source.MESSAGE, urgent=False, limit=ROWS)
        if counts["follow_up"]
        else []
    )
    for alert in alerts + follow_up:
        alert.may_start = policy.can(user, "counseling.start_for", alert.student)
    context = {
        "counts": counts,
        "urgent": groups[URGENT],
        "alerts": alerts,
        "follow_up": follow_up,
        "unclaimed": groups[UNCLAIMED],
        "awaiting": groups[AWAITING],
        "unreachable_self": not user.email,
        "open_call_ins": CallIn.objects.filter(counselor=user, status=CallIn.Status.SENT).count(),
    }
    if policy.can(user, "counseling.unreachable"):
        context["unreachable"] = unreachable_counselors(user.school_id)
    context["nothing"] = not (rows or alerts or follow_up)
    return context


def unreachable_counselors(school_id: int) -> list[User]:
    """The school's active counselors whose account has no e-mail: alert e-mails cannot reach them."""
    return list(
        User.objects.filter(school_id=school_id, role__in=COUNSELOR_ROLES, is_active=True, email="").order_by(
            "full_name", "username"
        )
    )


def operator_card(request: Any) -> dict | None:
    """The operator adds e-mails in the administration: the list says whom to fix."""
    counselors = unreachable_counselors(request.user.school_id)
    return {"unreachable": counselors} if counselors else None


# --- students --------------------------------------------------------------------------------------------


def _own_conversations(user: User) -> QuerySet[Conversation]:
    return policy.visible(user, "conversation.view", Conversation.objects.all())


def _has_unread_reply(user: User) -> Exists:
    read = Participant.objects.filter(conversation=OuterRef(OuterRef("pk")), user=user).values("read_seq")[:1]
    return Exists(
        Message.objects.filter(
            conversation=OuterRef("pk"),
            sender_role=Message.SenderRole.COUNSELOR,
            seq__gt=Coalesce(Subquery(read), Value(0)),
        )
    )


def student_badge(user: User) -> int:
    """Conversations with a reply the student has not read, plus call-ins not yet acknowledged."""
    if user.role != Role.SISWA:
        return 0
    unread = _own_conversations(user).filter(_has_unread_reply(user)).count()
    return unread + CallIn.objects.filter(student__user=user, status=CallIn.Status.SENT).count()


def student_card(request: Any) -> dict:
    user = request.user
    replied = list(
        _own_conversations(user)
        .filter(_has_unread_reply(user))
        .order_by(Coalesce("last_message_at", "created_at").desc(), "-pk")[:ROWS]
    )
    unread = services.unread_counts(user, replied) if replied else {}
    for conversation in replied:
        conversation.unread = unread.get(conversation.pk, 0)
    call_ins = list(
        CallIn.objects.filter(student__user=user, status__in=[CallIn.Status.SENT, CallIn.Status.ACKNOWLEDGED])
        .select_related("counselor")
        .order_by(F("meet_at").asc(nulls_last=True), "-pk")
    )
    return {"replied": replied, "call_ins": call_ins}
