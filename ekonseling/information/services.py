"""Actions of the information service: publish or change an article, mark it read. Each takes an
explicit actor and writes its audit line inside its transaction."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from ekonseling.core import audit, policy
from ekonseling.core.errors import ActionError
from ekonseling.students.models import Rombel, Student

from . import media as media_files
from .models import Article, ArticleMedia, ArticleRead, for_student_q, live_q


class InformationError(ActionError):
    code = "information.refused"


@dataclass
class ArticleData:
    title: str
    body: str
    audience: str
    publish_at: datetime.datetime
    expires_at: datetime.datetime | None = None
    grade: int | None = None
    rombels: list[Rombel] = field(default_factory=list)


def student_of(user) -> Student | None:
    return Student.objects.filter(user=user, status=Student.Status.ACTIVE).select_related("rombel").first()


def addressed(user, now=None):
    """The live articles addressed to the signed-in student."""
    student = student_of(user)
    if student is None:
        return Article.objects.none()
    return Article.objects.filter(live_q(now), for_student_q(student), school_id=student.school_id).distinct()


def unread_count(user, now=None) -> int:
    """The live articles addressed to the signed-in student that they have not opened: one query
    (the menu badge)."""
    student = Student.objects.filter(user=user, status=Student.Status.ACTIVE)
    grade = student.values("rombel__grade")[:1]
    rombel = student.values("rombel_id")[:1]
    mine = (
        Q(audience=Article.Audience.SCHOOL)
        | Q(audience=Article.Audience.GRADE, grade=Subquery(grade))
        | Q(audience=Article.Audience.ROMBEL, rombels=Subquery(rombel))
    )
    unread = ~Exists(ArticleRead.objects.filter(article_id=OuterRef("pk"), student__user=user))
    articles = Article.objects.filter(live_q(now), mine, Exists(student), school_id=user.school_id).filter(unread)
    return articles.values("pk").distinct().count()


def _check(actor, data: ArticleData) -> None:
    if not data.title.strip() or not data.body.strip():
        raise InformationError(_("Give a title and a text."), code="information.invalid")
    if data.audience not in Article.Audience.values:
        raise InformationError(_("Choose who the article is for."), code="information.invalid")
    if data.audience == Article.Audience.GRADE and not (data.grade and 1 <= data.grade <= 12):
        raise InformationError(_("Choose the grade."), code="information.invalid")
    if data.audience == Article.Audience.ROMBEL and not data.rombels:
        raise InformationError(_("Choose the rombel."), code="information.invalid")
    if any(r.school_id != actor.school_id for r in data.rombels):
        raise InformationError(_("Choose a rombel of your school."), code="information.invalid")
    if data.expires_at is not None and data.expires_at <= data.publish_at:
        raise InformationError(_("An article expires after it is published."), code="information.invalid")


def _apply(article: Article, data: ArticleData) -> None:
    article.title = data.title.strip()[:200]
    article.body = data.body[:20000]
    article.audience = data.audience
    article.grade = data.grade if data.audience == Article.Audience.GRADE else None
    article.publish_at, article.expires_at = data.publish_at, data.expires_at


def publish(actor, data: ArticleData) -> Article:
    if not policy.can(actor, "information.edit"):
        raise InformationError(_("You may not publish articles."), code="information.not_allowed")
    _check(actor, data)
    with transaction.atomic():
        article = Article(school_id=actor.school_id, author=actor)
        _apply(article, data)
        article.save()
        article.rombels.set(data.rombels if data.audience == Article.Audience.ROMBEL else [])
        audit.record_for(actor, audit.Action.CREATE, article)
    return article


def change(actor, article: Article, data: ArticleData) -> Article:
    if not policy.can(actor, "information.edit", article):
        raise InformationError(_("You may not change this article."), code="information.not_allowed")
    _check(actor, data)
    with transaction.atomic():
        _apply(article, data)
        article.save()
        article.rombels.set(data.rombels if data.audience == Article.Audience.ROMBEL else [])
        audit.record_for(actor, audit.Action.CHANGE, article)
    return article


def mark_read(user, article: Article) -> None:
    """The student opened the article: one read per student (a second opening changes nothing)."""
    student = student_of(user)
    if student is None or not policy.can(user, "information.read", article):
        return
    try:
        with transaction.atomic():
            ArticleRead.objects.get_or_create(article=article, student=student)
    except IntegrityError:  # two tabs at once: the other one wrote it
        pass


def reads_per_rombel(article: Article) -> list[dict]:
    """Per rombel addressed: active students, how many read it. Counts only, no names."""
    rombels = Rombel.objects.filter(school_id=article.school_id, academic_year__is_current=True)
    if article.audience == Article.Audience.GRADE:
        rombels = rombels.filter(grade=article.grade)
    elif article.audience == Article.Audience.ROMBEL:
        rombels = rombels.filter(pk__in=article.rombels.values("pk"))
    active = Q(students__status=Student.Status.ACTIVE)
    rows = rombels.annotate(
        students_n=Count("students", filter=active, distinct=True),
        read_n=Count("students", filter=active & Q(students__article_reads__article=article), distinct=True),
    ).order_by("grade", "name")
    return [{"rombel": r.name, "students": r.students_n, "read": r.read_n} for r in rows]


# --- media -----------------------------------------------------------------------------------------------

MAX_MEDIA_PER_ARTICLE = 20


def add_media(actor, article: Article, upload, caption: str = "") -> ArticleMedia:
    """Check an uploaded image, PDF or video (`media.check`) and store it with the article."""
    if not policy.can(actor, "information.edit", article):
        raise InformationError(_("You may not change this article."), code="information.not_allowed")
    if article.media.count() >= MAX_MEDIA_PER_ARTICLE:
        raise InformationError(_("An article has at most 20 files."), code="information.invalid")
    try:
        checked = media_files.check(upload)
    except media_files.MediaError as error:
        raise InformationError(str(error), code="information.media") from None
    item = ArticleMedia(
        school_id=article.school_id,
        article=article,
        kind=checked.kind,
        content_type=checked.content_type,
        size=len(checked.data),
        original_name=checked.original_name[:120],
        caption=(caption or "").strip()[:200],
        width=checked.width,
        height=checked.height,
    )
    item.file.save(media_files.random_name(checked.extension), ContentFile(checked.data), save=False)
    try:
        with transaction.atomic():
            item.save()
            audit.record_for(actor, audit.Action.CHANGE, article, f"media added: {checked.kind}, {item.size} bytes")
    except Exception:
        item.file.storage.delete(item.file.name)
        raise
    return item


def remove_media(actor, item: ArticleMedia) -> None:
    if not policy.can(actor, "information.edit", item.article):
        raise InformationError(_("You may not change this article."), code="information.not_allowed")
    with transaction.atomic():
        audit.record_for(actor, audit.Action.CHANGE, item.article, f"media removed: {item.kind}")
        item.delete()  # the file goes after the commit (apps: post_delete)
