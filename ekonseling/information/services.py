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
from ekonseling.students import caseload
from ekonseling.students.models import Rombel, Student

from . import media as media_files
from .models import Article, ArticleMedia, ArticleRead, Poll, PollAnswer, for_student_q, live_q


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
    students: list[Student] = field(default_factory=list)


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
        | Q(audience=Article.Audience.STUDENTS, recipients__student=Subquery(student.values("pk")[:1]))
        | Q(audience=Article.Audience.GRADE, grade=Subquery(grade))
        | Q(audience=Article.Audience.ROMBEL, rombels=Subquery(rombel))
    )
    unread = ~Exists(ArticleRead.objects.filter(article_id=OuterRef("pk"), student__user=user))
    articles = Article.objects.filter(live_q(now), mine, Exists(student), school_id=user.school_id).filter(unread)
    return articles.values("pk").distinct().count()


def servable_students(actor):
    """The active students a counselor may address an article to: the koordinator BK any of the
    school's, a guru BK those of their caseload (the caseload interface decides)."""
    from ekonseling.accounts.models import Role

    students = Student.objects.filter(school_id=actor.school_id, status=Student.Status.ACTIVE)
    if actor.role == Role.KOORDINATOR_BK:
        return students
    if actor.role == Role.GURU_BK:
        return students.filter(caseload.caseload_q(actor))
    return students.none()


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
    if data.audience == Article.Audience.STUDENTS:
        if not data.students:
            raise InformationError(_("Choose the students."), code="information.invalid")
        ids = {s.pk for s in data.students}
        if servable_students(actor).filter(pk__in=ids).count() != len(ids):
            raise InformationError(_("Choose students you serve."), code="information.invalid")
    if data.expires_at is not None and data.expires_at <= data.publish_at:
        raise InformationError(_("An article expires after it is published."), code="information.invalid")


def _apply(article: Article, data: ArticleData) -> None:
    article.title = data.title.strip()[:200]
    article.body = data.body[:20000]
    article.audience = data.audience
    article.grade = data.grade if data.audience == Article.Audience.GRADE else None
    article.publish_at, article.expires_at = data.publish_at, data.expires_at


def _set_targets(article: Article, data: ArticleData) -> None:
    article.rombels.set(data.rombels if data.audience == Article.Audience.ROMBEL else [])
    article.students.set(data.students if data.audience == Article.Audience.STUDENTS else [])


def publish(actor, data: ArticleData) -> Article:
    if not policy.can(actor, "information.edit"):
        raise InformationError(_("You may not publish articles."), code="information.not_allowed")
    _check(actor, data)
    with transaction.atomic():
        article = Article(school_id=actor.school_id, author=actor)
        _apply(article, data)
        article.save()
        _set_targets(article, data)
        audit.record_for(actor, audit.Action.CREATE, article)
    return article


def change(actor, article: Article, data: ArticleData) -> Article:
    if not policy.can(actor, "information.edit", article):
        raise InformationError(_("You may not change this article."), code="information.not_allowed")
    _check(actor, data)
    with transaction.atomic():
        _apply(article, data)
        article.save()
        _set_targets(article, data)
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
    if article.audience == Article.Audience.STUDENTS:
        chosen = article.recipients.values("student_id")
        rombels = rombels.filter(pk__in=article.recipients.values("student__rombel_id"))
        active &= Q(students__pk__in=chosen)
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


# --- live polls ----------------------------------------------------------------------------------------

MAX_OPTIONS = 6


def poll_group(poll_id: int) -> str:
    return f"information.poll.{poll_id}"


def poll_results(poll: Poll) -> dict:
    """The counts per option and the number of students of the rombel: no name, no order of
    answering. What the projector, the phones and the socket show."""
    counts = dict(poll.answers.values_list("choice").annotate(n=Count("pk")).values_list("choice", "n"))
    students = Student.objects.filter(rombel_id=poll.rombel_id, status=Student.Status.ACTIVE).count()
    total = sum(counts.values())

    def share(i):
        return round(100 * counts.get(i, 0) / total) if total else 0

    return {
        "type": "results",
        "poll": poll.pk,
        "open": poll.is_open,
        "question": poll.question,
        "options": [
            {
                "label": label,
                "count": counts.get(i, 0),
                "percent": round(100 * counts.get(i, 0) / total) if total else 0,
            }
            for i, label in enumerate(poll.options)
        ],
        "answered": total,
        "students": students,
    }


def _announce(poll: Poll) -> None:
    from ekonseling.core import realtime

    def send():
        fresh = Poll.objects.get(pk=poll.pk)
        realtime.publish([(poll_group(poll.pk), {"type": "poll.results", "results": poll_results(fresh)})])

    transaction.on_commit(send)


def open_poll(actor, rombel: Rombel, question: str, options: list[str], article: Article | None = None) -> Poll:
    question = (question or "").strip()[:200]
    options = [o.strip()[:100] for o in options if o and o.strip()][:MAX_OPTIONS]
    if not question or len(options) < 2:
        raise InformationError(_("Give a question and 2 to 6 options."), code="information.invalid")
    poll = Poll(school_id=actor.school_id, rombel=rombel, question=question, options=options, article=article)
    if rombel.school_id != actor.school_id or not policy.can(actor, "poll.run", poll):
        raise InformationError(_("You may not run a poll with this rombel."), code="information.not_allowed")
    with transaction.atomic():
        poll.created_by = actor
        poll.save()
        audit.record_for(actor, audit.Action.CREATE, poll, f"poll for rombel {rombel.pk}")
    return poll


def close_poll(actor, poll: Poll) -> Poll:
    if not policy.can(actor, "poll.run", poll):
        raise InformationError(_("You may not close this poll."), code="information.not_allowed")
    from django.utils import timezone

    with transaction.atomic():
        if Poll.objects.filter(pk=poll.pk, closed_at__isnull=True).update(closed_at=timezone.now()):
            audit.record_for(actor, audit.Action.CHANGE, poll, "poll closed")
            _announce(poll)
    poll.refresh_from_db()
    return poll


def answer_poll(user, poll: Poll, choice) -> bool:
    """The student's answer (once: a second one changes nothing); the policy decides; the counts go
    to the poll's sockets after the commit. True when stored now."""
    if not policy.can(user, "poll.answer", poll):
        raise InformationError(_("This poll is closed or not for your class."), code="information.poll")
    if not isinstance(choice, int) or isinstance(choice, bool) or not 0 <= choice < len(poll.options):
        raise InformationError(_("Choose one of the options."), code="information.invalid")
    student = student_of(user)
    try:
        with transaction.atomic():
            _row, created = PollAnswer.objects.get_or_create(poll=poll, student=student, defaults={"choice": choice})
            if created:
                _announce(poll)
    except IntegrityError:  # two phones at once: the other one stored it
        return False
    return created


def open_polls_for(user):
    student = student_of(user)
    if student is None or student.rombel_id is None:
        return Poll.objects.none()
    return Poll.objects.filter(rombel_id=student.rombel_id, closed_at__isnull=True, school_id=student.school_id)
