"""Articles of the information service (layanan informasi).

The body is stored as typed (a small Markdown subset, plain text reads as before) and rendered by
`richtext.render`: Markdown without raw HTML, then sanitised by nh3, so no markup a counselor pastes
can run in a student's browser. An article is for the whole school, a grade, chosen rombel or chosen
students (`ArticleRecipient`), shown from `publish_at` until `expires_at`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ekonseling.core.models import SchoolOwned


class Article(SchoolOwned):
    class Audience(models.TextChoices):
        SCHOOL = "school", _("The whole school")
        GRADE = "grade", _("A grade")
        ROMBEL = "rombel", _("Chosen rombel")
        STUDENTS = "students", _("Chosen students")

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=20000)
    audience = models.CharField(_("for"), max_length=8, choices=Audience.choices, default=Audience.SCHOOL)
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    rombels = models.ManyToManyField("students.Rombel", blank=True, related_name="+", verbose_name=_("rombel"))
    students = models.ManyToManyField(
        "students.Student", blank=True, through="ArticleRecipient", related_name="+", verbose_name=_("students")
    )
    publish_at = models.DateTimeField(_("published from"), default=timezone.now)
    expires_at = models.DateTimeField(_("shown until"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-publish_at", "-id"]

    def __str__(self):
        return self.title

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return self.publish_at <= now and (self.expires_at is None or self.expires_at > now)

    def body_html(self):
        from .richtext import render

        return render(self.body)


class ArticleRecipient(models.Model):
    """A student an article of the "chosen students" audience is addressed to: personal data (who
    was sent what), exported with the student and deleted with them."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="recipients")
    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="articles_addressed")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "student"], name="article_recipient_unique")]

    def __str__(self):
        return f"{self.article_id} for {self.student_id}"


def live_q(now=None) -> Q:
    now = now or timezone.now()
    return Q(publish_at__lte=now) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def for_student_q(student) -> Q:
    """Articles addressed to the student: the school's, their grade's, their rombel's, their own."""
    q = Q(audience=Article.Audience.SCHOOL) | Q(audience=Article.Audience.STUDENTS, recipients__student=student.pk)
    if student.rombel_id:
        q |= Q(audience=Article.Audience.GRADE, grade=student.rombel.grade)
        q |= Q(audience=Article.Audience.ROMBEL, rombels=student.rombel_id)
    return q


class ArticleRead(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reads")
    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="article_reads")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "student"], name="article_read_unique")]

    def __str__(self):
        return f"{self.student_id} read {self.article_id}"


class ArticleMedia(SchoolOwned):
    """An image, PDF or video of an article, checked by `media.check` and stored under a random name
    in the private MEDIA_ROOT; served only by `views.media` to who may read the article."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        PDF = "pdf", _("PDF document")
        VIDEO = "video", _("Video")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="media")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    file = models.FileField(upload_to="information/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=120)
    caption = models.CharField(_("caption"), max_length=200, blank=True, default="")
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("article media")
        verbose_name_plural = _("article media")
        ordering = ["article", "id"]

    def __str__(self):
        return self.original_name


class Poll(SchoolOwned):
    """A live poll of a classical session: one question, 2–6 options, asked of one rombel while it
    is open. Answers are counted, never shown with a name (the projector and the phones see counts);
    they are kept per rombel as evidence of the service."""

    article = models.ForeignKey(Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="polls")
    rombel = models.ForeignKey("students.Rombel", on_delete=models.CASCADE, related_name="+", verbose_name=_("rombel"))
    question = models.CharField(_("question"), max_length=200)
    options = models.JSONField(default=list)  # 2–6 strings, each at most 100 characters
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        ordering = ["-opened_at", "-id"]

    def __str__(self):
        return self.question

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class PollAnswer(models.Model):
    """One student's answer: kept to allow one answer each and for the student's own data export;
    never shown with the student."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="answers")
    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="poll_answers")
    choice = models.PositiveSmallIntegerField()
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "student"], name="poll_answer_once")]

    def __str__(self):
        return f"{self.poll_id}: {self.choice}"
