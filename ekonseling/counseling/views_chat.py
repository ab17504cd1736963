"""Online counseling by chat: the student's list, the counselor's inbox, the conversation page,
the handling controls, office hours, and the HTTP half of the live protocol (docs/websocket.md).

Polling, posting and read marks here work on the same store as the WebSocket, so a school network
that blocks WebSockets loses speed but no message. Each view asks the policy (a conversation is
always fetched through `policy.get_object_or_404`, so someone else's id is a 404), hands the work
to `services` or `office_hours`, and renders.
"""

import json
import logging
from copy import copy
from datetime import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, F, IntegerField, JSONField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ekonseling.accounts.models import Role
from ekonseling.core import audit, jsonsafe, policy
from ekonseling.safety import actions as safety
from ekonseling.safety.models import Alert
from ekonseling.students.models import Student

from . import alerts, attachments, letters, lexicons, protocol, risk, services
from . import office_hours as hours
from .forms import AlertDecisionForm, ChatStartForm, OfficeHoursFormSet, TransferForm
from .models import Conversation, Message, OfficeHours

log = logging.getLogger(__name__)

# A message of MAX_BODY characters, each escaped as \uXXXX, fits with room to spare.
MAX_REQUEST_BYTES = 64 * 1024
HISTORY = 100  # messages rendered with the page; the client asks for anything newer itself
INBOX_PAGE = 50
WS_PATH = "/ws/konseling/"
# The marks of one's own message; static/js/chat.js draws the same ones.
STATUS_SYMBOLS = {"pending": "🕓", "stored": "✓", "delivered": "✓✓", "read": "✓✓", "failed": "!"}


def _conversations():
    # The prefetches answer the policy's caseload questions without a query per check.
    return Conversation.objects.select_related("student__rombel", "counselor", "school").prefetch_related(
        "student__rombel__counselors", "student__counselors"
    )


def _back(conversation):
    return redirect("counseling:conversation", pk=conversation.pk)


def _back_or_inbox(user, conversation):
    """After a transfer or a lost claim the user may no longer see the conversation."""
    conversation.refresh_from_db()
    if policy.can(user, "conversation.view", conversation):
        return _back(conversation)
    return redirect("counseling:inbox")


def _request_data(request):
    """Form fields or a JSON object: the polling client may send either."""
    if request.content_type == "application/json":
        try:
            return jsonsafe.loads(request.body or b"{}", max_bytes=MAX_REQUEST_BYTES, want_object=True)
        except jsonsafe.JSONRejected:
            return None
    return request.POST


def _answer(frame):
    """A protocol frame as the HTTP answer: 200, or 400/429 for an error (`protocol.http_status`)."""
    return JsonResponse(frame, status=protocol.http_status(frame))


def _bad_frame(message, conversation=None):
    return _answer(protocol.error("bad_frame", message, conversation=conversation))


def _seq(value):
    """A sequence number from a query or a request, or None (negative, huge, `1e400`, a list)."""
    return jsonsafe.bounded_int(value, minimum=0)


# --- the student's list and starting a chat ------------------------------------------------------------------


@policy.require("conversation.view")
def home(request):
    """A student's conversations; a counselor's work starts in the inbox."""
    user = request.user
    if policy.can(user, "counseling.inbox"):
        return redirect("counseling:inbox")
    conversations = list(
        policy.visible(user, "conversation.view", Conversation.objects.all()).order_by(
            Coalesce("last_message_at", "created_at").desc(), "-pk"
        )[:100]
    )
    unread = services.unread_counts(user, conversations)
    for conversation in conversations:
        conversation.unread = unread.get(conversation.pk, 0)
    open_chat = next(
        (c for c in conversations if c.kind == Conversation.Kind.CHAT and c.status == Conversation.Status.OPEN), None
    )
    context = {
        "conversations": conversations,
        "open_chat": open_chat,
        "may_start": policy.can(user, "counseling.start"),
    }
    return render(request, "counseling/chat/home.html", context)


def _student_of(user):
    student = Student.objects.filter(user=user, school_id=user.school_id).first()
    if student is None:  # an account without a record has no counseling record to write into
        raise Http404
    return student


@policy.require("counseling.start")
@require_http_methods(["GET", "POST"])
def chat_new(request):
    """Start a chat with the student's counselors, or continue the open one: one student, one open
    chat, so counselors never answer the same student in two places."""
    student = _student_of(request.user)
    form = ChatStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        conversation = services.open_or_start_chat(student, request.user)
        body = form.cleaned_data["body"]
        if body.strip():
            draft = services.Draft(conversation.pk, request.user, form.cleaned_data["client_key"], body)
            (posted,) = services.post_messages([draft])
            if posted.error is not None:
                messages.error(request, str(posted.error))
        return _back(conversation)
    context = {"form": form, "open_chat": services.open_chat(student, request.user), "max_body": services.MAX_BODY}
    return render(request, "counseling/chat/new.html", context)


# --- the counselors' inbox --------------------------------------------------------------------------------------

TABS = ["urgent", "new", "awaiting", "mine", "closed"]


def _tab_filter(tab, user):
    open_ = Q(status=Conversation.Status.OPEN)
    return {
        "urgent": Q(urgent=True),
        "new": open_ & Q(counselor__isnull=True),
        "awaiting": open_ & Q(awaiting_reply=True),
        "mine": open_ & Q(counselor=user),
        "closed": Q(status=Conversation.Status.CLOSED),
    }.get(tab, open_ | Q(urgent=True))


def _imminent_alerts():
    """The open imminent-risk alerts of the conversation of the row (OuterRef): those come first."""
    return Alert.objects.filter(
        source=Alert.Source.MESSAGE,
        status=Alert.Status.OPEN,
        severity=risk.IMMINENT,
        source_id__in=Message.objects.filter(conversation=OuterRef(OuterRef("pk"))).values("pk"),
    ).order_by("-pk")


@policy.require("counseling.inbox")
def inbox(request):
    """Imminent risk first (a plan, a preparation, an intent with a time), then urgent (the latest
    first, so a conversation that was just flagged jumps to the top), then unclaimed, then those
    awaiting a reply. A fixed number of queries whatever the number of
    conversations: one page, one unread count for the whole page."""
    user = request.user
    if request.htmx:
        request.keeps_session_idle = True  # the list refreshing itself is not the counselor at work
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else ""
    conversations = (
        policy.visible(user, "conversation.view", Conversation.objects.select_related("student__rombel"))
        .filter(_tab_filter(tab, user), last_seq__gt=0)  # an empty chat is nothing to answer yet
        .annotate(
            imminent=Subquery(_imminent_alerts().values("items")[:1], output_field=JSONField()),
            rank=Case(
                When(imminent__isnull=False, then=Value(-1)),
                When(urgent=True, then=Value(0)),
                When(counselor__isnull=True, then=Value(1)),
                When(awaiting_reply=True, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            ),
        )
        .order_by("rank", F("last_message_at").desc(nulls_last=True), "-pk")
    )
    page = Paginator(conversations, INBOX_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    unread = services.unread_counts(user, rows) if rows else {}
    for conversation in rows:
        conversation.unread = unread.get(conversation.pk, 0)
        conversation.show_identity = policy.can(user, "conversation.see_identity", conversation)
    context = {
        "page": page,
        "rows": rows,
        "tab": tab,
        "tabs": [
            ("", _("All open")),
            ("urgent", _("Urgent")),
            ("new", _("New")),
            ("awaiting", _("Awaiting reply")),
            ("mine", _("Mine")),
            ("closed", _("Closed")),
        ],
        "query": {"tab": tab} if tab else {},
        "ws_path": WS_PATH,
        # Alerts from other sources (a critical item ticked on an instrument) wait here too, above
        # every chat; a chat's own alert makes its conversation urgent in the list.
        # Alerts only to follow up (a sociometric result) wait on the home page, not above the chats.
        "critical_alerts": safety.open_alerts(user, exclude_source=Alert.Source.MESSAGE, urgent=True, limit=INBOX_PAGE),
    }
    template = "counseling/chat/_inbox_list.html" if request.htmx else "counseling/chat/inbox.html"
    return render(request, template, context)


# --- the conversation page --------------------------------------------------------------------------------------


@policy.require("conversation.view")
def conversation(request, pk):
    conversation = policy.get_object_or_404(request.user, "conversation.view", _conversations(), pk=pk)
    if conversation.kind != Conversation.Kind.CHAT:
        try:
            from .views_letters import thread
        except ImportError:  # letters not built yet: the chat page shows any conversation
            thread = None
        if thread is not None:
            # `thread` audits the read itself and leaves a block for the handling controls.
            return thread(
                request,
                conversation,
                template="counseling/chat/letter_thread.html",
                extra_context=_controls_context(request.user, conversation),
            )
    services.read_conversation(request.user, conversation, **audit.request_origin(request))
    return render(request, "counseling/chat/conversation.html", _chat_context(request, conversation))


def _chat_context(request, conversation):
    user = request.user
    is_student = user.role == Role.SISWA
    show_identity = policy.can(user, "conversation.see_identity", conversation)
    history, _complete = services.messages_after(conversation, max(0, conversation.last_seq - HISTORY), HISTORY)
    own_role = "student" if is_student else "counselor"
    for message in history:
        message["mine"] = message["sender_role"] == own_role
        message["created"] = datetime.fromisoformat(message["created_at"])
    receipt = protocol.other_side_receipt(conversation, user)
    other_label = _("Guru BK") if is_student else (conversation.student.name if show_identity else _("Anonymous"))
    i18n = {
        "you": _("You"),
        "other": other_label,
        "pending": _("Sending…"),
        "stored": _("Sent"),
        "delivered": _("Delivered"),
        "read": _("Read"),
        "failed": _("Not sent"),
        "typing": _("%(name)s is typing…") % {"name": other_label},
        "empty": _("Write a message first."),
        "too_long": _("The message is too long ({length} characters; at most {limit}). Split it, or write a letter."),
        "counter": _("{length}/{limit} characters"),
        "connecting": _("Connecting…"),
        "polling": _("The live connection is blocked on this network; new messages are checked every few seconds."),
        "offline": _("No connection. Your messages are kept and sent when the connection is back."),
        "session": _("Your session has ended. Sign in again to continue."),
        "gone": _("You can no longer open this conversation. Reload the page."),
        "retry": _("Could not reach the server; trying again."),
        "alert": _("A new risk alert was raised on this conversation. Reload the page to see it."),
        "attach": _("Attach a photo or PDF"),
        "too_big": _("The file is too large: at most {limit}. Send a smaller photo or split the document."),
        "photo": _("Photo"),
        "pdf": _("PDF ({size})"),
    }
    for message in history:
        if message["mine"]:
            seq = message["seq"]
            status = (
                "read" if seq <= receipt["read_seq"] else "delivered" if seq <= receipt["delivered_seq"] else "stored"
            )
            message.update(status=status, status_label=i18n[status], status_symbol=STATUS_SYMBOLS[status])
    context = {
        "conversation": conversation,
        "is_student": is_student,
        "other_label": other_label,
        "time_zone": timezone.get_current_timezone_name(),
        "show_identity": show_identity,
        "student_label": conversation.student.name if show_identity else _("Anonymous"),
        "history": history,
        "has_earlier": bool(history) and history[0]["seq"] > 1,
        "receipt_json": json.dumps(receipt),
        "i18n_json": json.dumps(i18n),
        "own_role": own_role,
        "max_body": protocol.MAX_BODY,
        "attachment_max": attachments.max_bytes(),
        "attachment_accept": "image/jpeg,image/png,image/webp,application/pdf",
        "ws_path": WS_PATH,
        "may_post": policy.can(user, "conversation.post", conversation),
    }
    if not is_student:
        # Counselors see which messages raised an alert (students never learn a message was screened).
        alerted = {alert.seq for alert in alerts.alerts_of(conversation)}
        # What weighed most for the model: to whoever may handle the alerts (as their list, _controls_context),
        # read with the school's lexicon, which raised them.
        evidence = alerted and policy.can(user, "conversation.manage", conversation)
        lexicon = lexicons.for_school(conversation.school_id) if evidence else None
        for message in history:
            message["alerted"] = message["seq"] in alerted
            if evidence and message["alerted"]:
                message["why"] = alerts.model_evidence(message["body"], lexicon)
    if is_student:
        # The crisis contacts stay visible while a risk alert is open, without saying why.
        context["crisis_contacts"] = safety.crisis_contacts(conversation.school) if conversation.urgent else []
        context["office"] = hours.notice(hours.hours_for(conversation))
    else:
        context.update(_controls_context(user, conversation))
    return context


def _controls_context(user, conversation):
    """What a counselor may do to a conversation, for the chat page and the letter thread."""
    if user.role == Role.SISWA:
        return {}
    may_manage = policy.can(user, "conversation.manage", conversation)
    context = {
        "may_claim": policy.can(user, "conversation.claim", conversation),
        "may_manage": may_manage,
        "may_see_student": conversation.student_id is not None
        and policy.can(user, "conversation.see_identity", conversation)
        and policy.can(user, "student.view", conversation.student),
        "events": list(conversation.events.select_related("actor", "to_user")),
    }
    if may_manage:
        context["transfer_form"] = TransferForm(conversation=conversation)
        context["alerts"] = alerts.alerts_of(conversation)
    return context


# --- the HTTP half of the live protocol -------------------------------------------------------------------------


@policy.require("conversation.view")
@require_http_methods(["GET", "POST"])
def messages_view(request, pk):
    """GET ?after=N: what the client has not seen, and the other side's receipt. POST client_key +
    body: store one message and answer exactly as the socket would (ack, or error with 400/429)."""
    user = request.user
    action = "conversation.post" if request.method == "POST" else "conversation.view"
    conversation = policy.get_object_or_404(user, action, _conversations(), pk=pk)
    if request.method == "GET":
        request.keeps_session_idle = True  # polling is not activity: an open tab still idles out
        after = _seq(request.GET.get("after", 0))
        if after is None:
            return _bad_frame(_("Bad sequence number."))
        batch, complete = services.messages_after(conversation, after)
        receipt = protocol.other_side_receipt(conversation, user)
        return JsonResponse({"messages": batch, "complete": complete, "receipt": receipt})
    data = _request_data(request)
    if data is None:
        return _bad_frame(_("Unreadable request."), conversation.pk)
    try:
        client_key = services.parse_client_key(data.get("client_key"))
    except services.PostError as exc:
        return _answer(protocol.error(exc.code, str(exc), conversation=pk))
    draft = services.Draft(conversation.pk, user, client_key, data.get("body"))
    # The one action: limited, stored, and told to the open pages once committed.
    (posted,) = services.post_messages([draft], rate_limit=True)
    return _answer(posted.ack())


def _rate_limited(user, pk):
    if protocol.may_send(user.pk):
        return None
    return _answer(protocol.error("rate_limited", str(services.rate_limited_error()), conversation=pk))


def _post_error(exc, pk, client_key=None):
    return _answer(protocol.error(exc.code, str(exc), conversation=pk, client_key=client_key))


@policy.require("conversation.view")
@require_POST
def chat_attachment(request, pk):
    """POST multipart `file`, optional `body` (a caption) and `client_key`: an image or PDF in a
    chat. Checked by content and size (`attachments.prepare`), stored encrypted with its message
    through the letters' path, answered with the same ack/error as `messages_view`."""
    user = request.user
    chats = _conversations().filter(kind=Conversation.Kind.CHAT)
    conversation = policy.get_object_or_404(user, "conversation.post", chats, pk=pk)
    limited = _rate_limited(user, pk)
    if limited is not None:
        return limited
    try:
        client_key = services.parse_client_key(request.POST.get("client_key"))
    except services.PostError as exc:
        return _post_error(exc, pk)
    upload = request.FILES.get("file")
    if upload is None:
        return _post_error(services.PostError(_("Choose a photo or a PDF to send."), "bad_attachment"), pk, client_key)
    try:
        prepared = attachments.prepare(upload)
    except attachments.AttachmentError as exc:
        return _post_error(services.PostError(str(exc), "bad_attachment"), pk, client_key)
    caption = request.POST.get("body", "")
    # A message always has text: an attachment without a caption says what it is.
    # Stored text, so not translated per sender (like the letters' e-mails, kept in Indonesian).
    # No emoji: Debian's Chromium has no font for 📎 and showed an empty box.
    body = caption if caption.strip() else ("[Foto]" if prepared.is_image else "[PDF]")
    try:
        # `letters.reply` stores message and file in one transaction through the one action, which
        # tells the conversation and the inboxes once committed.
        posted = letters.reply(conversation, user, body=body, client_key=client_key, prepared=prepared)
    except services.PostError as exc:
        return _post_error(exc, pk, client_key)
    return JsonResponse(posted.ack())


@policy.require("conversation.view")
@require_POST
def mark_read(request, pk):
    """POST seq (read up to it) and/or delivered: the polling client's receipts. Marks never move
    back, so a POST with neither just answers the user's current receipt."""
    conversation = policy.get_object_or_404(request.user, "conversation.view", _conversations(), pk=pk)
    data = _request_data(request)
    if data is None:
        return _bad_frame(_("Unreadable request."), conversation.pk)
    marks = _marks(data)
    if marks is None:
        return _bad_frame(_("Bad sequence number."), conversation.pk)
    read, delivered = marks
    # Stored and, when a mark was given, told to the subscribed sockets on commit.
    receipt = services.mark_seen(conversation, request.user, delivered=delivered, read=read)
    return JsonResponse(receipt)


def _marks(data):
    """[read, delivered] from the request (None for one not given), or None when one is not a
    sequence number."""
    marks = []
    for name in ("seq", "delivered"):
        raw = data.get(name)
        number = None if raw in (None, "") else _seq(raw)
        if raw not in (None, "") and number is None:
            return None
        marks.append(number)
    return marks


# --- handling --------------------------------------------------------------------------------------------------


def _could_claim(user, conversation):
    """Whether the user would have been allowed to claim it had nobody been first: they then get a
    clear "already claimed" instead of a 404 for a conversation they saw a moment ago."""
    unclaimed = copy(conversation)
    unclaimed.counselor_id = None
    return policy.can(user, "conversation.claim", unclaimed)


@policy.require("conversation.claim")
@require_POST
def claim(request, pk):
    user = request.user
    conversation = _conversations().filter(pk=pk, school_id=user.school_id).first()
    if conversation is None:
        raise Http404
    if policy.can(user, "conversation.claim", conversation):
        try:
            services.claim(conversation, user, **audit.request_origin(request))
        except services.PostError as exc:  # another counselor won between the check and the update
            messages.error(request, str(exc))
        else:
            messages.success(request, _("You now handle this conversation."))
        return _back_or_inbox(user, conversation)
    if conversation.counselor_id is not None and _could_claim(user, conversation):
        if conversation.counselor_id == user.pk:
            messages.info(request, _("You already handle this conversation."))
        else:
            messages.error(request, _("Another counselor has already claimed this conversation."))
        return _back_or_inbox(user, conversation)
    raise Http404


def _managed(request, pk):
    return policy.get_object_or_404(request.user, "conversation.manage", _conversations(), pk=pk)


@policy.require("conversation.manage")
@require_POST
def transfer(request, pk):
    conversation = _managed(request, pk)
    form = TransferForm(request.POST, conversation=conversation)
    if not form.is_valid():
        messages.error(request, _("Choose a counselor of your school to transfer to."))
        return _back(conversation)
    target = form.cleaned_data["to"]
    try:
        services.transfer(
            conversation, request.user, target, form.cleaned_data["note"], **audit.request_origin(request)
        )
    except services.PostError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The conversation was transferred to %(name)s.") % {"name": target.display_name})
    return _back_or_inbox(request.user, conversation)


@policy.require("conversation.manage")
@require_POST
def set_status(request, pk):
    conversation = _managed(request, pk)
    status = request.POST.get("status")
    if status not in Conversation.Status.values:
        messages.error(request, _("Unknown status."))
    elif status == conversation.status:
        messages.info(request, _("Nothing changed."))
    else:
        services.set_status(conversation, request.user, status, **audit.request_origin(request))
        if status == Conversation.Status.CLOSED:
            messages.success(request, _("The conversation was closed. A new message from the student reopens it."))
        else:
            messages.success(request, _("The conversation was reopened."))
    return _back_or_inbox(request.user, conversation)


@policy.require("conversation.manage")
@require_POST
def alert_decide(request, pk):
    """Handled or a false alarm: either way recorded with who decided and why, never deleted."""
    alert = policy.get_object_or_404(
        request.user, safety.DECIDE, Alert.objects.filter(source=Alert.Source.MESSAGE), pk=pk
    )
    conversation = _managed(request, alerts.conversation_id_of(alert))
    form = AlertDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose handled or false alarm."))
        return _back_or_inbox(request.user, conversation)
    outcome = form.cleaned_data["decision"]
    try:
        safety.decide(alert, request.user, outcome, form.cleaned_data["note"], **audit.request_origin(request))
    except safety.AlreadyDecided:
        messages.info(request, _("This alert has already been decided."))
    else:
        false_alarm = outcome == Alert.Status.FALSE
        messages.success(request, _("Recorded as a false alarm.") if false_alarm else _("Recorded as handled."))
    return _back_or_inbox(request.user, conversation)


# --- office hours ----------------------------------------------------------------------------------------------


@policy.require("counseling.inbox")
@require_http_methods(["GET", "POST"])
def office_hours(request):
    """A counselor's own office hours; the formset's queryset is theirs, so another counselor's
    row id in the POST is refused by the formset itself."""
    user = request.user
    formset = OfficeHoursFormSet(request.POST or None, queryset=OfficeHours.objects.filter(counselor=user))
    if request.method == "POST" and formset.is_valid():
        hours.save_own(formset, user)
        messages.success(request, _("Your office hours were saved."))
        return redirect("counseling:office_hours")
    own = list(OfficeHours.objects.filter(counselor=user))
    context = {"formset": formset, "summary": hours.describe(own), "inbox_url": reverse("counseling:inbox")}
    return render(request, "counseling/chat/office_hours.html", context)
