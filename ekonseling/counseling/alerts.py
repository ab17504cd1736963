"""Counseling's part in the safety pipeline: a student's chat or letter message flagged by the risk
screening is an alert source ("message"). The store raises the alert through
`safety.actions.raise_alert`; what is chat-specific lives here: the conversation turns urgent and
back, who decides (whoever may manage the conversation), who is told (the handling counselor, or
while nobody has claimed it the counselors who serve the student; always the coordinators).
"""

import logging

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from ekonseling.accounts.models import Role, User
from ekonseling.core import policy
from ekonseling.safety import sources
from ekonseling.safety.models import Alert

from . import risk
from .models import Conversation, Message
from .services import alert_recipients, announce_access_change

MESSAGE = Alert.Source.MESSAGE
logger = logging.getLogger(__name__)

# Kept in Indonesian on purpose, like the letters' e-mails: they go out without a request.
MAIL_SUBJECT = "[E-Konseling] Peringatan risiko: percakapan perlu segera ditangani"
MAIL_BODY = (
    "Sebuah pesan siswa menunjukkan tanda risiko. Buka percakapan ini segera:\n"
    "{link}\n\nIsi pesan tidak disertakan dalam e-mail ini demi kerahasiaan."
)


def conversation_id_of(alert: Alert) -> int | None:
    return Message.objects.filter(pk=alert.source_id).values_list("conversation_id", flat=True).first()


def _conversation_of(alert: Alert) -> Conversation | None:
    # The prefetches answer the policy's caseload questions without a query per check.
    return (
        Conversation.objects.select_related("student__rombel", "counselor")
        .prefetch_related("student__rombel__counselors", "student__counselors")
        .filter(messages__pk=alert.source_id)
        .first()
    )


def alerts_of(conversation: Conversation) -> list[Alert]:
    """Every alert raised on the conversation's messages, newest first, each with the message's `seq`."""
    flagged = Alert.objects.filter(source=MESSAGE).values("source_id")
    seqs = dict(Message.objects.filter(conversation=conversation, pk__in=flagged).values_list("pk", "seq"))
    alerts = list(Alert.objects.filter(source=MESSAGE, source_id__in=seqs).select_related("decided_by"))
    for alert in alerts:
        alert.seq = seqs[alert.source_id]
    return alerts


def model_evidence(text: str, lexicon=None) -> dict | None:
    """For a message the second-stage model raised (a possible risk) or made imminent: the words of the message
    that weighed most for it and, for a possible risk, the category it most likely is; for a lexicon verdict, the
    category model's second opinion (round fifty). None for a verdict of the phrases alone. Computed when a
    counselor opens the conversation (with `lexicon`, the school's), never stored: the words are the student's (the
    alert keeps only the lexicon's words), and the issue asks that the model's features be shown. Advisory: a
    failure shows nothing rather than an error page."""
    try:
        screening = risk.screen(text or "", lexicon)
    except Exception:  # noqa: BLE001 - the page a counselor handles an alert on must not fail for evidence
        logger.exception("screening a flagged message again for its model evidence failed")
        return None
    if screening.possible:
        return {"features": screening.model_features, "likely": screening.likely}
    if screening.imminent_features or screening.likely:
        # a lexicon verdict the imminence model made imminent, or one with the category model's second opinion
        return {"features": screening.imminent_features, "likely": screening.likely}
    return None


def _may_decide(user: User, alert: Alert) -> bool:
    conversation = _conversation_of(alert)
    return conversation is not None and policy.can(user, "conversation.manage", conversation)


def _visible(user: User) -> Q:
    """As `conversation.manage`: a guru BK their own conversations, the coordinator whatever they may open."""
    if user.role == Role.KOORDINATOR_BK:
        conversations = policy.visible(user, "conversation.view", Conversation.objects.all())
    else:
        conversations = Conversation.objects.filter(counselor=user)
    return Q(source_id__in=Message.objects.filter(conversation__in=conversations).values("pk"))


def _recipients(alert: Alert) -> list[User]:
    conversation = _conversation_of(alert)
    return alert_recipients(conversation) if conversation is not None else []


def _link(alert: Alert) -> str:
    return reverse("counseling:conversation", args=[conversation_id_of(alert)])


def _describe(alerts: list[Alert]) -> None:
    conversations = dict(
        Message.objects.filter(pk__in=[a.source_id for a in alerts]).values_list("pk", "conversation_id")
    )
    for alert in alerts:
        alert.badge = _("Risk alert")
        alert.url = reverse("counseling:conversation", args=[conversations[alert.source_id]])
        alert.summary = ", ".join(alert.items) or alert.severity


def _decided(alert: Alert) -> None:
    """The conversation stays urgent (open to the coordinator) while any of its alerts is open."""
    conversation_id = conversation_id_of(alert)
    messages = Message.objects.filter(conversation_id=conversation_id).values("pk")
    if not Alert.objects.filter(source=MESSAGE, status=Alert.Status.OPEN, source_id__in=messages).exists():
        Conversation.objects.filter(pk=conversation_id).update(urgent=False)
    announce_access_change(conversation_id)


def register() -> None:
    sources.register(
        sources.Source(
            kind=MESSAGE,
            mail_subject=MAIL_SUBJECT,
            mail_body=MAIL_BODY,
            link=_link,
            describe=_describe,
            may_decide=_may_decide,
            visible=_visible,
            recipients=_recipients,
            # The open pages are told by whoever stored the message (`services.Posted.inbox_events`).
            decided=_decided,
            # A student writing many worrying messages in one conversation is one matter: one e-mail.
            thread=lambda alert: f"conversation:{conversation_id_of(alert)}",
        )
    )
