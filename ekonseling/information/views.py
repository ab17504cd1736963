"""Thin views of the information service."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ekonseling.core import policy

from . import services
from .forms import ArticleForm
from .models import Article


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
    return render(request, "information/read.html", {"article": article})
