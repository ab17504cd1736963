"""Pages of counseling letters and anonymous questions: writing one, the thread, replies,
attachments and the PDF export. Each view asks the policy, hands the work to `letters`,
`attachments` or `export`, and renders; access rules live in core/policy.py only.

`thread` is not routed: the conversation page (`counseling:conversation`) calls it for letters and
questions, so one URL serves every kind of conversation.
"""

import uuid

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ekonseling.accounts.models import Role
from ekonseling.core import audit, crypto, policy
from ekonseling.safety import actions as safety

from . import attachments, export, letters, services
from .models import Attachment, Conversation, ConversationEvent, Message

# --- forms ----------------------------------------------------------------------------------------------------


def _client_key_field():
    # Made when the form is shown: a double tap or a resend after a timeout lands once.
    return forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


def _body_field(label, limit, rows):
    # No max_length on the field: the store's own check gives the message that says how long it is.
    return forms.CharField(
        label=label, strip=False, widget=forms.Textarea(attrs={"rows": rows, "maxlength": limit}), required=True
    )


class LetterForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=letters.MAX_SUBJECT)
    body = _body_field(gettext_lazy("Your letter"), services.MAX_LETTER_BODY, 14)
    notify = forms.BooleanField(label=gettext_lazy("E-mail me when my counselor replies"), required=False)
    client_key = _client_key_field()

    def __init__(self, *args, can_notify, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_notify:
            del self.fields["notify"]


class QuestionForm(forms.Form):
    body = _body_field(gettext_lazy("Your question"), services.MAX_BODY, 6)
    client_key = _client_key_field()


class ReplyForm(forms.Form):
    body = forms.CharField(label=gettext_lazy("Your reply"), strip=False, widget=forms.Textarea(attrs={"rows": 6}))
    attachment = forms.FileField(
        label=gettext_lazy("Attachment (optional)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": attachments.ACCEPT}),
        help_text=gettext_lazy("A photo (JPEG, PNG or WebP) or a PDF document."),
    )
    client_key = _client_key_field()

    def __init__(self, *args, conversation, **kwargs):
        super().__init__(*args, **kwargs)
        limit = letters.body_limit(conversation)
        self.fields["body"].widget.attrs["maxlength"] = limit
        self.fields["attachment"].help_text = _("A photo (JPEG, PNG or WebP) or a PDF document, at most %(size)s.") % {
            "size": filesizeformat(attachments.max_bytes())
        }

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        try:
            return attachments.prepare(upload)
        except attachments.AttachmentError as exc:
            raise forms.ValidationError(str(exc)) from None


# --- starting ---------------------------------------------------------------------------------------------------


def _own_student(request):
    student = letters.student_of(request.user)
    if student is None:
        raise Http404
    return student


def _tell_crisis_contacts(request, posted):
    """A message that signals risk: the student sees at once where to get help right now."""
    if posted.crisis_contacts:
        messages.warning(
            request,
            _("If you are in danger or thinking of hurting yourself, get help now: %(contacts)s")
            % {"contacts": "; ".join(posted.crisis_contacts)},
        )


@policy.require("counseling.start")
@require_http_methods(["GET", "POST"])
def letter_new(request):
    student = _own_student(request)
    can_notify = letters.may_be_notified(student)
    form = LetterForm(request.POST or None, can_notify=can_notify)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            started = letters.start_letter(
                student,
                request.user,
                subject=data["subject"],
                body=data["body"],
                client_key=data["client_key"],
                notify_student=data.get("notify", False),
                rate_limit=True,
            )
        except services.PostError as exc:
            form.add_error("body", str(exc))
        else:
            if not started.duplicate:
                messages.success(request, _("Your letter has been sent to your guru BK."))
            _tell_crisis_contacts(request, started.posted)
            return redirect("counseling:conversation", pk=started.conversation.pk)
    context = {
        "form": form,
        "can_notify": can_notify,
        "notify_address": letters.student_address(student),
        "max_body": services.MAX_LETTER_BODY,
    }
    return render(request, "counseling/letters/letter_new.html", context)


@policy.require("counseling.start")
@require_http_methods(["GET", "POST"])
def question_new(request):
    student = _own_student(request)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            started = letters.start_question(
                student, request.user, body=data["body"], client_key=data["client_key"], rate_limit=True
            )
        except services.PostError as exc:
            form.add_error("body", str(exc))
        else:
            if not started.duplicate:
                messages.success(request, _("Your question has been sent without your name."))
            _tell_crisis_contacts(request, started.posted)
            return redirect("counseling:conversation", pk=started.conversation.pk)
    return render(request, "counseling/letters/question_new.html", {"form": form, "max_body": services.MAX_BODY})


# --- the thread -------------------------------------------------------------------------------------------------

SLOW_KINDS = (Conversation.Kind.LETTER, Conversation.Kind.QUESTION)


def _conversations():
    return Conversation.objects.select_related("student__rombel", "student__user", "counselor", "school")


def thread(request, conversation, *, template="counseling/letters/thread.html", reply_form=None, extra_context=None):
    """The page of a letter thread or a question, called by the conversation view.

    It asks the policy again (it may be reached from any view) and writes the staff read to the
    audit log, so the caller should not audit it a second time. `template` lets the caller extend
    this page and fill `{% block controls %}` with the handling controls.
    """
    user = request.user
    if not policy.can(user, "conversation.view", conversation):
        raise Http404
    services.read_conversation(user, conversation, **audit.request_origin(request))
    show_identity = policy.can(user, "conversation.see_identity", conversation)
    is_student = user.role == Role.SISWA
    thread_messages = list(conversation.messages.select_related("attachment", "sender").order_by("seq"))
    for message in thread_messages:
        message.from_label = _sender_label(message, user, conversation, show_identity)
        message.has_attachment = hasattr(message, "attachment")
    events = conversation.events.select_related("actor", "to_user").order_by("created_at", "id")
    if is_student:
        events = events.exclude(kind=ConversationEvent.Kind.ALERT)
    services.mark_seen(conversation, user, read=conversation.last_seq)
    may_post = policy.can(user, "conversation.post", conversation)
    if reply_form is None and may_post:
        reply_form = ReplyForm(conversation=conversation)
    context = {
        "conversation": conversation,
        "timeline": _timeline(thread_messages, list(events)),
        "show_identity": show_identity,
        "student_label": conversation.student.name if show_identity else _("Anonymous"),
        "is_student": is_student,
        "identity_yielded": show_identity and conversation.identity_hidden and not is_student,
        "may_reveal": is_student and conversation.identity_hidden,
        "may_manage": policy.can(user, "conversation.manage", conversation),
        "reply_form": reply_form if may_post else None,
        "crisis_contacts": safety.crisis_contacts(conversation.school) if is_student else [],
        **(extra_context or {}),
    }
    return render(request, template, context)


def _sender_label(message, viewer, conversation, show_identity):
    if message.sender_id == viewer.pk:
        return _("You")
    if message.sender_role == Message.SenderRole.STUDENT:
        return conversation.student.name if show_identity else _("Anonymous")
    if message.sender_role == Message.SenderRole.COUNSELOR:
        name = message.sender.display_name if message.sender_id else ""
        return _("Guru BK %(name)s") % {"name": name} if name else _("Guru BK")
    return _("System")


def _timeline(thread_messages, events):
    """Messages and handling events in the order they happened (a stable sort: on a tie the
    message comes first)."""
    items = [{"type": "message", "item": m, "at": m.created_at} for m in thread_messages]
    items += [{"type": "event", "item": e, "at": e.created_at} for e in events]
    return sorted(items, key=lambda entry: entry["at"])


@policy.require("conversation.post")
@require_POST
def reply(request, pk):
    conversation = policy.get_object_or_404(
        request.user, "conversation.post", _conversations().filter(kind__in=SLOW_KINDS), pk=pk
    )
    form = ReplyForm(request.POST, request.FILES, conversation=conversation)
    if form.is_valid():
        data = form.cleaned_data
        try:
            posted = letters.reply(
                conversation,
                request.user,
                body=data["body"],
                client_key=data["client_key"],
                prepared=data["attachment"],
                rate_limit=True,
            )
        except services.PostError as exc:
            form.add_error("body", str(exc))
        else:
            _tell_crisis_contacts(request, posted)
            url = reverse("counseling:conversation", kwargs={"pk": conversation.pk})
            return redirect(f"{url}#m{posted.message.seq}")
    return thread(request, conversation, reply_form=form)


@policy.require("counseling.start")
@require_POST
def reveal(request, pk):
    conversation = policy.get_object_or_404(
        request.user, "conversation.post", _conversations().filter(kind=Conversation.Kind.QUESTION), pk=pk
    )
    if conversation.identity_hidden:
        letters.reveal(conversation, request.user, **audit.request_origin(request))
        messages.success(request, _("Your guru BK can now see your name on this question."))
    return redirect("counseling:conversation", pk=conversation.pk)


# --- files --------------------------------------------------------------------------------------------------------


@policy.require("conversation.view")
@require_GET
def attachment(request, pk):
    found = Attachment.objects.filter(pk=pk).values_list("message__conversation_id", flat=True).first()
    if found is None:
        raise Http404
    conversation = policy.get_object_or_404(request.user, "conversation.view", _conversations(), pk=found)
    item = Attachment.objects.select_related("message").get(pk=pk)
    try:
        data = attachments.open_decrypted(item)
    except (FileNotFoundError, crypto.InvalidToken):
        raise Http404 from None
    # A staff member's read is audited, as opening the conversation is.
    services.read_conversation(
        request.user, conversation, detail=f"attachment {item.pk}", **audit.request_origin(request)
    )
    response = HttpResponse(data, content_type=item.content_type)
    # Images show in the page; a PDF is downloaded, so it never runs in this site's origin.
    response["Content-Disposition"] = content_disposition_header(not attachments.is_image(item), item.original_name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return response


@policy.require("conversation.manage")
@require_GET
def export_pdf(request, pk):
    conversation = policy.get_object_or_404(request.user, "conversation.manage", _conversations(), pk=pk)
    data = export.export_conversation(request.user, conversation, **audit.request_origin(request))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"konseling-{conversation.pk}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response
