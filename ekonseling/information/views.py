"""Thin views of the information service."""

import re

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ekonseling.core import policy, registry

from . import richtext, services
from .forms import AnswerForm, ArticleForm, MediaForm, PollForm
from .models import Article, ArticleMedia, Poll


@require_GET
@policy.require("information.manage")
def article_list(request):
    articles = policy.visible(request.user, "information.manage", Article.objects.select_related("author"))
    return render(request, "information/list.html", {"articles": articles})


@policy.require("information.edit")
def article_new(request):
    form = ArticleForm(request.POST or None, user=request.user, initial={"audience": Article.Audience.SCHOOL})
    if request.method == "POST" and form.is_valid():
        try:
            article = services.publish(request.user, form.data_())
        except services.InformationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The article was saved."))
            return redirect("information:reads", article.pk)
    return render(request, "information/form.html", {"form": form})


@policy.require("information.edit")
def article_edit(request, pk):
    article = policy.get_object_or_404(request.user, "information.edit", Article.objects.all(), pk=pk)
    initial = {
        "title": article.title,
        "body": article.body,
        "audience": article.audience,
        "grade": article.grade,
        "rombels": list(article.rombels.values_list("pk", flat=True)),
        "students": list(article.recipients.values_list("student_id", flat=True)),
        "publish_at": article.publish_at,
        "expires_at": article.expires_at,
    }
    form = ArticleForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.change(request.user, article, form.data_())
        except services.InformationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The article was saved."))
            return redirect("information:reads", article.pk)
    return render(request, "information/form.html", {"form": form, "article": article})


@require_GET
@policy.require("information.manage")
def reads(request, pk):
    article = policy.get_object_or_404(request.user, "information.manage", Article.objects.all(), pk=pk)
    return render(
        request,
        "information/reads.html",
        {
            "article": article,
            "rows": services.reads_per_rombel(article),
            "may_edit": policy.can(request.user, "information.edit", article),
            "media": list(article.media.all()),
            "media_form": MediaForm(),
            # The counts of the article's polls, per rombel, kept as evidence of the service: for
            # whoever may see them (the counselors of the rombel, the koordinator).
            "polls": [
                (poll, services.poll_results(poll))
                for poll in article.polls.select_related("rombel")
                if policy.can(request.user, "poll.results", poll)
            ],
        },
    )


@require_GET
@policy.require("information.my")
def my(request):
    articles = list(services.addressed(request.user).order_by("-publish_at", "-pk"))
    student = services.student_of(request.user)
    read = set(student.article_reads.values_list("article_id", flat=True)) if student else set()
    return render(request, "information/my.html", {"articles": articles, "read": read})


@require_GET
@policy.require("information.my")
def read(request, pk):
    article = policy.get_object_or_404(request.user, "information.read", Article.objects.all(), pk=pk)
    services.mark_read(request.user, article)
    return render(request, "information/read.html", {"article": article, "media": list(article.media.all())})


@require_POST
@policy.require("information.edit")
def media_add(request, pk):
    article = policy.get_object_or_404(request.user, "information.edit", Article.objects.all(), pk=pk)
    form = MediaForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file (a caption has at most 200 characters)."))
        return redirect("information:reads", article.pk)
    try:
        services.add_media(request.user, article, form.cleaned_data["file"], form.cleaned_data["caption"])
    except services.InformationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The file was added to the article."))
    return redirect("information:reads", article.pk)


@require_POST
@policy.require("information.edit")
def media_delete(request, pk):
    item = policy.get_object_or_404(
        request.user, "information.media", ArticleMedia.objects.select_related("article"), pk=pk
    )
    try:
        services.remove_media(request.user, item)
    except services.InformationError as error:
        messages.error(request, error.message)
    return redirect("information:reads", item.article_id)


_RANGE = re.compile(r"bytes=(\d{0,15})-(\d{0,15})$")


RANGE_CHUNK = 2 * 1024 * 1024


@require_GET
@policy.require("information.media")
def media(request, pk):
    """An article's file, to the counselors and to the students the live article is addressed to.
    Images and videos show in the page, a PDF is downloaded (it never runs in this origin); a
    video answers byte ranges (at most 2 MB each), so the phone's player can seek and never makes
    the server hold a whole video."""
    item = policy.get_object_or_404(
        request.user, "information.media", ArticleMedia.objects.select_related("article"), pk=pk
    )
    try:
        handle = item.file.storage.open(item.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    size = item.size
    match = _RANGE.match(request.headers.get("Range", "")) if item.kind == ArticleMedia.Kind.VIDEO else None
    if match and (match.group(1) or match.group(2)):
        with handle:
            if match.group(1):
                first = int(match.group(1))
                last = min(int(match.group(2)), size - 1) if match.group(2) else size - 1
            else:
                first, last = max(0, size - int(match.group(2))), size - 1
            if first > last or first >= size:
                response = HttpResponse(status=416)
                response["Content-Range"] = f"bytes */{size}"
                return response
            last = min(last, first + RANGE_CHUNK - 1)
            handle.seek(first)
            response = HttpResponse(handle.read(last - first + 1), status=206, content_type=item.content_type)
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    else:
        response = FileResponse(handle, content_type=item.content_type)
        response["Content-Length"] = str(size)
    if item.kind == ArticleMedia.Kind.VIDEO:
        response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = content_disposition_header(item.kind == ArticleMedia.Kind.PDF, item.original_name)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"
    return response


# --- present mode and live polls -------------------------------------------------------------------------


def slides_of(article: Article, media: list) -> list[dict]:
    """One idea per screen: the title, every paragraph (text between blank lines, rendered and
    sanitised as on the student's page), every image."""
    slides = [{"kind": "title", "text": article.title}]
    slides += [{"kind": "text", "html": richtext.render(part)} for part in richtext.blocks(article.body)]
    slides += [{"kind": "image", "media": m} for m in media if m.kind == ArticleMedia.Kind.IMAGE]
    slides += [{"kind": "video", "media": m} for m in media if m.kind == ArticleMedia.Kind.VIDEO]
    return slides


@require_GET
@policy.require("information.manage")
def present(request, pk):
    """The article full screen on the class projector, a slide at a time (keyboard: arrows, space,
    Home/End, F for full screen), with the live poll of the session when one is open, and at the
    end of the session what other apps follow it up with (the program item's Laiseg)."""
    article = policy.get_object_or_404(request.user, "information.manage", Article.objects.all(), pk=pk)
    media_items = list(article.media.all())
    poll = None
    wanted = request.GET.get("polling", "")
    if wanted.isdigit() and len(wanted) < 12:
        poll = Poll.objects.filter(pk=int(wanted), article=article).select_related("rombel").first()
        if poll is not None and not policy.can(request.user, "poll.run", poll):
            poll = None
    # The end of the session: other apps' follow-ups (the program's Laiseg), through the kernel.
    session = registry.ClassicalSession(
        request.user.school_id, article.title, poll.rombel_id if poll else None, request.get_full_path()
    )
    return render(
        request,
        "information/present.html",
        {
            "article": article,
            "slides": slides_of(article, media_items),
            "session_end": registry.session_end_tools(request, session),
            "poll": poll,
            "results": services.poll_results(poll) if poll else None,
            "poll_form": PollForm(user=request.user),
            "answer_url": request.build_absolute_uri(reverse("information:poll", args=[poll.pk])) if poll else "",
        },
    )


@require_POST
@policy.require("poll.run")
def poll_new(request, pk):
    article = policy.get_object_or_404(request.user, "information.manage", Article.objects.all(), pk=pk)
    form = PollForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Give a question, 2 to 6 options (one a line) and the rombel."))
        return redirect("information:present", article.pk)
    try:
        poll = services.open_poll(
            request.user,
            form.cleaned_data["rombel"],
            form.cleaned_data["question"],
            form.cleaned_data["options"],
            article,
        )
    except services.InformationError as error:
        messages.error(request, error.message)
        return redirect("information:present", article.pk)
    return redirect(reverse("information:present", args=[article.pk]) + f"?polling={poll.pk}#poll")


@require_POST
@policy.require("poll.run")
def poll_close(request, pk):
    poll = policy.get_object_or_404(request.user, "poll.run", Poll.objects.all(), pk=pk)
    services.close_poll(request.user, poll)
    if poll.article_id:
        return redirect(reverse("information:present", args=[poll.article_id]) + f"?polling={poll.pk}#poll")
    return redirect("information:list")


@require_GET
@policy.require("poll.results")
def poll_results(request, pk):
    """The counts as JSON: the pages' fallback when the socket is not there."""
    poll = policy.get_object_or_404(request.user, "poll.results", Poll.objects.all(), pk=pk)
    response = JsonResponse(services.poll_results(poll))
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@policy.require("poll.answer")
def polls_my(request):
    return render(request, "information/polls_my.html", {"polls": list(services.open_polls_for(request.user))})


@policy.require("poll.answer")
def poll(request, pk):
    """The student's phone: the question and one button per option; answered over the socket, or
    by this form when the socket is not there. Afterwards the class's counts, never a name."""
    poll = policy.get_object_or_404(request.user, "poll.results", Poll.objects.all(), pk=pk)
    student = services.student_of(request.user)
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                services.answer_poll(request.user, poll, form.cleaned_data["choice"])
            except services.InformationError as error:
                messages.error(request, error.message)
        else:
            messages.error(request, _("Choose one of the options."))
        return redirect("information:poll", poll.pk)
    answered = poll.answers.filter(student=student).exists() if student else False
    return render(
        request,
        "information/poll.html",
        {"poll": poll, "answered": answered, "results": services.poll_results(poll)},
    )
