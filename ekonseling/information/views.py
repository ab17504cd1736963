"""Thin views of the information service."""

import re

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ekonseling.core import policy

from . import services
from .forms import ArticleForm, MediaForm
from .models import Article, ArticleMedia


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
