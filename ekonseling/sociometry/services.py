"""Sociometry's actions: open a survey, store a response (a phone's, a paper sheet's, a spreadsheet
row's), read the analysis (audited), the counselor's flags and the student page's section.

Every action takes an explicit actor and writes its audit line inside its transaction. A response
is checked whole before anything is written: only members of the survey, never oneself, never a
classmate twice within a criterion, ranks 1..k without gaps, rejections only where the survey asks
for them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ekonseling.accounts.models import User
from ekonseling.core import audit, crypto, windows
from ekonseling.core.errors import ActionError
from ekonseling.students.models import Rombel, Student

from . import analysis
from .models import MAX_CHOICES, MAX_CRITERIA, Criterion, Member, Response, StoredPick, Survey, encode_picks


class SociometryError(ActionError):
    code = "sociometry.refused"


class WindowClosed(SociometryError):
    code = "sociometry.window_closed"


# What each criterion kind asks, in the school's language (the counselor may rewrite it).
DEFAULT_QUESTIONS = {
    Criterion.Kind.STUDY: "Dengan siapa kamu paling ingin belajar bersama?",
    Criterion.Kind.PLAY: "Dengan siapa kamu paling ingin bermain atau menghabiskan waktu istirahat?",
    Criterion.Kind.GROUP_WORK: "Dengan siapa kamu paling ingin satu kelompok dalam kerja kelompok?",
}


@dataclass(frozen=True)
class CriterionAnswer:
    """One criterion of a response: the classmates chosen in rank order, and those rejected."""

    chosen: Sequence[int] = ()
    rejected: Sequence[int] = ()


# --- surveys --------------------------------------------------------------------------------------------


def open_survey(
    *,
    rombel: Rombel,
    title: str,
    criteria: Sequence[tuple[str, str]],
    opens_at: datetime,
    closes_at: datetime,
    created_by: User,
    choices: int = 3,
    rejections: int = 0,
    ip: str | None = None,
    user_agent: str = "",
) -> Survey:
    """A survey of the active students of `rombel`, numbered by name as in the sociomatrix.
    `criteria`: (kind, question) pairs; an empty question takes the kind's default."""
    if not windows.valid(opens_at, closes_at):
        raise SociometryError(_("The closing time must come after the opening time."), code="sociometry.bad_window")
    if not 1 <= choices <= MAX_CHOICES:
        raise SociometryError(
            _("Choose between 1 and %(max)d classmates per criterion.") % {"max": MAX_CHOICES},
            code="sociometry.bad_choices",
        )
    if not 0 <= rejections <= MAX_CHOICES:
        raise SociometryError(
            _("Ask for between 0 and %(max)d rejections.") % {"max": MAX_CHOICES}, code="sociometry.bad_choices"
        )
    cleaned = []
    for kind, question in criteria:
        if kind not in Criterion.Kind.values:
            raise SociometryError(_("Unknown criterion."), code="sociometry.bad_criterion")
        question = (question or "").strip() or DEFAULT_QUESTIONS.get(kind, "")
        if not question:
            raise SociometryError(_("Write the question of your own criterion."), code="sociometry.bad_criterion")
        cleaned.append((kind, question[:300]))
    if not 1 <= len(cleaned) <= MAX_CRITERIA:
        raise SociometryError(
            _("Give between 1 and %(max)d criteria.") % {"max": MAX_CRITERIA}, code="sociometry.bad_criterion"
        )
    students = list(
        Student.objects.filter(rombel=rombel, status=Student.Status.ACTIVE).order_by("name", "pk").only("pk")
    )
    if len(students) < 2:
        raise SociometryError(_("The rombel needs at least two active students."), code="sociometry.too_few")
    with transaction.atomic():
        survey = Survey.objects.create(
            school_id=rombel.school_id,
            rombel=rombel,
            title=title.strip()[:200] or _("Sociometry"),
            choices=choices,
            rejections=rejections,
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=created_by,
        )
        Criterion.objects.bulk_create(
            Criterion(survey=survey, order=i, kind=kind, question=q) for i, (kind, q) in enumerate(cleaned, start=1)
        )
        Member.objects.bulk_create(Member(survey=survey, student=s, number=i) for i, s in enumerate(students, start=1))
        audit.record_for(created_by, audit.Action.CREATE, survey, f"sociometric survey of {rombel}", ip, user_agent)
    return survey


def set_window(
    survey: Survey, opens_at: datetime, closes_at: datetime, *, by: User, ip: str | None = None, user_agent: str = ""
) -> Survey:
    """Move the window (close it now, reopen it for latecomers)."""
    if not windows.valid(opens_at, closes_at):
        raise SociometryError(_("The closing time must come after the opening time."), code="sociometry.bad_window")
    with transaction.atomic():
        survey.opens_at, survey.closes_at = opens_at, closes_at
        survey.alerts_checked_at = None  # closed now or later: its flags are checked again then
        survey.save(update_fields=["opens_at", "closes_at", "alerts_checked_at"])
        audit.record_for(by, audit.Action.CHANGE, survey, "window changed", ip, user_agent)
    return survey


# --- responses ------------------------------------------------------------------------------------------


def member_ids(survey: Survey) -> dict[int, int]:
    """student id -> number in the sociomatrix."""
    return dict(survey.members.values_list("student_id", "number"))


def check_answers(
    survey: Survey,
    student_id: int,
    answers: Mapping[int, CriterionAnswer],
    *,
    members: Mapping[int, int] | None = None,
    criteria: Sequence[Criterion] | None = None,
    complete: bool = False,
) -> list[str]:
    """What is wrong with a response (empty: nothing). `complete`: every criterion must name as many
    classmates as the survey asks (or every classmate, in a very small class)."""
    members = member_ids(survey) if members is None else members
    criteria = list(survey.criteria.all()) if criteria is None else criteria
    errors: list[str] = []
    if student_id not in members:
        return [_("This student is not in the survey.")]
    known = {c.pk: c for c in criteria}
    for key in answers:
        if key not in known:
            errors.append(_("Unknown criterion."))
    need = min(survey.choices, len(members) - 1)
    for criterion in criteria:
        answer = answers.get(criterion.pk, CriterionAnswer())
        chosen, rejected = list(answer.chosen), list(answer.rejected)
        label = criterion.question
        if len(chosen) > survey.choices:
            errors.append(_("%(criterion)s: at most %(n)d choices.") % {"criterion": label, "n": survey.choices})
        if complete and len(chosen) < need:
            errors.append(_("%(criterion)s: choose %(n)d classmates.") % {"criterion": label, "n": need})
        if not complete and not chosen:
            errors.append(_("%(criterion)s: choose at least one classmate.") % {"criterion": label})
        if len(rejected) > survey.rejections:
            if survey.rejections:
                errors.append(
                    _("%(criterion)s: at most %(n)d rejections.") % {"criterion": label, "n": survey.rejections}
                )
            else:
                errors.append(_("%(criterion)s: this survey asks for no rejections.") % {"criterion": label})
        named = chosen + rejected
        if any(pk not in members for pk in named):
            errors.append(_("%(criterion)s: only classmates in this survey can be named.") % {"criterion": label})
        if student_id in named:
            errors.append(_("%(criterion)s: nobody can name themselves.") % {"criterion": label})
        if len(set(named)) != len(named):
            errors.append(_("%(criterion)s: a classmate can be named only once.") % {"criterion": label})
    return errors


def submit(
    survey: Survey,
    student: Student,
    answers: Mapping[int, CriterionAnswer],
    *,
    by: User,
    source: str = Response.Source.ONLINE,
    now: datetime | None = None,
    ip: str | None = None,
    user_agent: str = "",
) -> Response:
    """Store a student's whole response. Online: the student themself, inside the window, once.
    Paper and import: a counselor, any time; a later entry replaces the earlier response."""
    now = now or timezone.now()
    online = source == Response.Source.ONLINE
    if online:
        if student.user_id != by.pk:
            raise SociometryError(_("Only the student fills in their own survey."), code="sociometry.not_own")
        state = survey.window_state(now)
        if state == windows.UPCOMING:
            raise WindowClosed(_("This survey has not opened yet."), code="sociometry.window_not_open")
        if state == windows.CLOSED:
            raise WindowClosed(_("This survey has closed."))
    errors = check_answers(survey, student.pk, answers, complete=online)
    if errors:
        raise SociometryError("; ".join(errors), code="sociometry.invalid")
    with transaction.atomic():
        existing = Response.objects.select_for_update().filter(survey=survey, student=student).first()
        if existing is not None and online:
            raise SociometryError(_("You have already sent your answers."), code="sociometry.already_sent")
        if existing is not None:
            existing.delete()
        response = Response.objects.create(
            survey=survey,
            student=student,
            source=source,
            entered_by=None if online else by,
            submitted_at=now,
            answers=encode_picks(_picks(answers)),
        )
        _recheck_alerts(survey, now)
        detail = f"response of student {student.pk} ({source}{', replaced' if existing else ''})"
        audit.record_for(by, audit.Action.CHANGE if existing else audit.Action.CREATE, survey, detail, ip, user_agent)
    return response


def _recheck_alerts(survey: Survey, now: datetime) -> None:
    """A sheet stored after the survey closed (typed from paper late) may change its flags: the next
    sweep checks them again."""
    if survey.closes_at <= now:
        Survey.objects.filter(pk=survey.pk).update(alerts_checked_at=None)


def _picks(answers: Mapping[int, CriterionAnswer]) -> list[StoredPick]:
    picks = []
    for criterion_id, answer in answers.items():
        picks += [StoredPick(criterion_id, pk, rank, True) for rank, pk in enumerate(answer.chosen, start=1)]
        picks += [StoredPick(criterion_id, pk, rank, False) for rank, pk in enumerate(answer.rejected, start=1)]
    return picks


def submit_many(
    survey: Survey,
    rows: Sequence[tuple[Student, Mapping[int, CriterionAnswer]]],
    *,
    by: User,
    source: str = Response.Source.IMPORT,
    ip: str | None = None,
    user_agent: str = "",
) -> int:
    """Many responses in one transaction (a spreadsheet): all are stored or none."""
    members = member_ids(survey)
    criteria = list(survey.criteria.all())
    errors = []
    for student, answers in rows:
        for error in check_answers(survey, student.pk, answers, members=members, criteria=criteria):
            errors.append(f"{student.name}: {error}")
    if errors:
        raise SociometryError("; ".join(errors), code="sociometry.invalid")
    now = timezone.now()
    with transaction.atomic():
        Response.objects.filter(survey=survey, student__in=[s for s, _a in rows]).delete()
        Response.objects.bulk_create(
            Response(
                survey=survey,
                student=s,
                source=source,
                entered_by=by,
                submitted_at=now,
                answers=encode_picks(_picks(answers)),
            )
            for s, answers in rows
        )
        _recheck_alerts(survey, now)
        audit.record_for(by, audit.Action.CHANGE, survey, f"{len(rows)} responses ({source})", ip, user_agent)
    return len(rows)


def own_response(survey: Survey, student: Student) -> dict[int, CriterionAnswer] | None:
    """The student's own choices (what they may see): criterion id -> chosen and rejected ids."""
    response = Response.objects.filter(survey=survey, student=student).first()
    if response is None:
        return None
    found: dict[int, dict[bool, list[tuple[int, int]]]] = {}
    for c in response.picks():
        found.setdefault(c.criterion_id, {True: [], False: []})[c.positive].append((c.rank, c.chosen_id))
    return {
        key: CriterionAnswer([pk for _r, pk in sorted(v[True])], [pk for _r, pk in sorted(v[False])])
        for key, v in found.items()
    }


def read_response(
    survey: Survey, student: Student, actor: User, *, ip: str | None = None, user_agent: str = ""
) -> dict[int, CriterionAnswer] | None:
    """A student's stored choices for the counselor's paper entry (to correct them), audited when
    there is one: whom a student chose and rejected is read as counseling content is."""
    found = own_response(survey, student)
    if found is not None:
        audit.record_for(actor, audit.Action.READ, survey, f"response of student {student.pk}", ip, user_agent)
    return found


# --- analysis -------------------------------------------------------------------------------------------


@dataclass
class SurveyAnalysis:
    survey: Survey
    criteria: list[Criterion]
    members: list[analysis.Member]
    results: list[analysis.Analysis]
    responded: int

    def result_for(self, criterion_id: int | None) -> tuple[Criterion, analysis.Analysis]:
        for criterion, result in zip(self.criteria, self.results, strict=True):
            if criterion.pk == criterion_id:
                return criterion, result
        return self.criteria[0], self.results[0]


def analyse(survey: Survey) -> SurveyAnalysis:
    """Every criterion's analysis in three queries. Not audited: callers that show it to a person
    go through `read_analysis`."""
    return analyse_many([survey])[survey.pk]


def analyse_many(surveys: Sequence[Survey]) -> dict[int, SurveyAnalysis]:
    """The analyses of many surveys (a home card over 36 rombel) in three queries together."""
    surveys = list(surveys)
    ids = [s.pk for s in surveys]
    criteria: dict[int, list[Criterion]] = {pk: [] for pk in ids}
    for criterion in Criterion.objects.filter(survey_id__in=ids).order_by("order", "pk"):
        criteria[criterion.survey_id].append(criterion)
    # values, not model rows: a Student row costs its post_init bookkeeping (and a deferred field a query).
    members: dict[int, list[analysis.Member]] = {pk: [] for pk in ids}
    for survey_id, pk, name, sex, number in (
        Member.objects.filter(survey_id__in=ids)
        .order_by("number", "pk")
        .values_list("survey_id", "student_id", "student__name", "student__sex", "number")
    ):
        members[survey_id].append(analysis.Member(pk, name, sex, number))
    # The responses and their choices in one query: the ciphertext is fetched as plain text (the cast
    # keeps the field from decrypting row by row, looking the keys up each time) and decrypted here
    # with one key set, as instrument reports do.
    respondents: dict[int, set[int]] = {pk: set() for pk in ids}
    picks: dict[int, list[analysis.Pick]] = {c.pk: [] for group in criteria.values() for c in group}
    decrypt, loads, pick = crypto.fernet().decrypt, json.loads, analysis.Pick
    for survey_id, chooser, token in (
        Response.objects.filter(survey_id__in=ids)
        .annotate(token=Cast("answers", output_field=TextField()))
        .values_list("survey_id", "student_id", "token")
    ):
        respondents[survey_id].add(chooser)
        if not token:
            continue
        for criterion_id, chosen, rank, positive in loads(decrypt(token.encode())):
            picks.setdefault(criterion_id, []).append(pick(chooser, chosen, rank, bool(positive)))
    found = {}
    for survey in surveys:
        results = [
            analysis.analyse(members[survey.pk], picks[c.pk], survey.choices, respondents[survey.pk], survey.rejections)
            for c in criteria[survey.pk]
        ]
        found[survey.pk] = SurveyAnalysis(
            survey, criteria[survey.pk], members[survey.pk], results, len(respondents[survey.pk])
        )
    return found


def read_analysis(
    survey: Survey, actor: User, what: str = "analysis", *, ip: str | None = None, user_agent: str = ""
) -> SurveyAnalysis:
    """The analysis for a counselor, audited (`read`, or `export` for a file)."""
    result = analyse(survey)
    action = audit.Action.EXPORT if what.endswith(("xlsx", "pdf", "svg")) else audit.Action.READ
    audit.record_for(actor, action, survey, f"sociometry {what}", ip, user_agent)
    return result


# --- flags: who needs the counselor's attention -------------------------------------------------------

# What a guru BK may offer (layanan BK), per category.
SUGGESTIONS = {
    analysis.ISOLATE: (
        gettext_lazy("individual counseling"),
        gettext_lazy("group guidance (social skills)"),
        gettext_lazy("placement in a study group with classmates they chose or who chose them"),
    ),
    analysis.REJECTED: (
        gettext_lazy("individual counseling"),
        gettext_lazy("group counseling"),
        gettext_lazy("mediation where there is a conflict"),
        gettext_lazy("consultation with the homeroom teacher"),
    ),
    analysis.NEGLECTED: (
        gettext_lazy("group guidance"),
        gettext_lazy("placement and channelling into group activities"),
    ),
}
FLAGGED = (analysis.REJECTED, analysis.ISOLATE, analysis.NEGLECTED)


@dataclass
class Flag:
    survey: Survey
    student_id: int
    name: str
    number: int
    categories: list[tuple[str, str]]  # (criterion question, category)
    suggestions: list[str]


def flags(survey_analysis: SurveyAnalysis) -> list[Flag]:
    """The students rejected, isolated or neglected under some criterion, with suggested services."""
    return [_flag(survey_analysis.survey, *row) for row in _flag_rows(survey_analysis)]


# (student id, name, number, [(criterion question, category)]): a flag without its survey and
# suggestions, plain data that the home card's cache keeps in no particular language.
FlagRow = tuple[int, str, int, list[tuple[str, str]]]


def _flag_rows(survey_analysis: SurveyAnalysis) -> list[FlagRow]:
    found: dict[int, FlagRow] = {}
    for criterion, result in zip(survey_analysis.criteria, survey_analysis.results, strict=True):
        for m in result.members:
            for category in m.categories:
                if category in FLAGGED:
                    found.setdefault(m.id, (m.id, m.name, m.number, []))[3].append((criterion.question, category))
    order = {c: i for i, c in enumerate(FLAGGED)}
    return sorted(found.values(), key=lambda f: (min(order[c] for _q, c in f[3]), f[2]))


def _flag(survey: Survey, student_id: int, name: str, number: int, categories: list[tuple[str, str]]) -> Flag:
    suggestions: list[str] = []
    for _question, category in categories:
        for s in SUGGESTIONS[category]:
            if str(s) not in suggestions:
                suggestions.append(str(s))
    return Flag(survey, student_id, name, number, list(categories), suggestions)


FLAGS_CACHE_SECONDS = 7 * 24 * 3600


def _answers_fingerprints(surveys: Sequence[Survey]) -> dict[int, tuple]:
    """Per survey, what its analysis depends on that can change after it opened, in one query:
    its responses (every submission replaces the student's row, so a new id; the choices are
    inside it, encrypted), its members (erasing a student removes their membership and response,
    while the others' responses are rewritten in place without them: the member count still
    changes), and its settings."""

    def tally(model: type[Response | Member], survey_path: str) -> tuple[Subquery, Subquery]:
        rows = (
            model.objects.filter(**{survey_path: OuterRef("pk")})
            .order_by()
            .values(survey_path)
            .annotate(n=Count("pk"), last=Max("pk"))
        )
        return Subquery(rows.values("n")[:1]), Subquery(rows.values("last")[:1])

    n_responses, last_response = tally(Response, "survey_id")
    n_members, last_member = tally(Member, "survey_id")
    found = (
        Survey.objects.filter(pk__in=[s.pk for s in surveys])
        .values_list("pk", "choices", "rejections")
        .annotate(
            n_responses=n_responses,
            last_response=last_response,
            n_members=n_members,
            last_member=last_member,
        )
    )
    return {row[0]: tuple(row[1:]) for row in found}


def home_flags(surveys: Sequence[Survey], limit: int | None = None) -> tuple[list[Flag], int]:
    """The flags of many surveys (the counselor's home card) without analysing them on every page:
    each survey's flags are cached under a fingerprint of its answers (`_answers_fingerprints`),
    so a new or changed response, an erased student or a changed survey is a new key and the
    cache can never serve stale figures. Names are read afresh (a student's name may be edited).
    Three queries with a warm cache, plus the analysis of the surveys whose answers changed.
    Returns the first `limit` flags (all when None) and how many there are in all."""
    surveys = list(surveys)
    if not surveys:
        return [], 0
    prints = _answers_fingerprints(surveys)
    keys = {s.pk: f"sociometry:flags:{s.pk}:" + ":".join(map(str, prints.get(s.pk, ()))) for s in surveys}
    cached = cache.get_many(keys.values())
    missing = [s for s in surveys if keys[s.pk] not in cached]
    if missing:
        fresh = {keys[pk]: _flag_rows(data) for pk, data in analyse_many(missing).items()}
        cache.set_many(fresh, FLAGS_CACHE_SECONDS)
        cached.update(fresh)
    rows = [(survey, row) for survey in surveys for row in cached[keys[survey.pk]]]
    shown = rows[:limit] if limit is not None else rows
    names = dict(Student.objects.filter(pk__in={row[0] for _s, row in shown}).values_list("pk", "name"))
    flagged = [
        _flag(survey, student_id, names.get(student_id, name), number, categories)
        for survey, (student_id, name, number, categories) in shown
    ]
    return flagged, len(rows)


def home_surveys(queryset: Any, now: datetime | None = None, open_limit: int = 20) -> tuple[list[Survey], list[Survey]]:
    """The counselor's home, in one query: per rombel the latest CLOSED survey that has responses
    (while a survey is open, a student not chosen yet may only be waiting for classmates to answer:
    no flag comes from it), and the surveys open now, closing soonest first."""
    now = now or timezone.now()
    answered = Exists(Response.objects.filter(survey_id=OuterRef("pk")))
    latest: dict[int, Survey] = {}
    open_now: list[Survey] = []
    rows = (
        queryset.filter(Q(answered, closes_at__lte=now) | Q(opens_at__lte=now, closes_at__gt=now))
        .select_related("rombel")
        .order_by("-closes_at", "-pk")
    )
    for survey in rows:
        if survey.closes_at <= now:
            latest.setdefault(survey.rombel_id, survey)
        else:
            open_now.append(survey)
    open_now.reverse()
    return list(latest.values()), open_now[:open_limit]


def student_status(survey_analysis: SurveyAnalysis, student_id: int) -> list[tuple[Criterion, analysis.StudentIndex]]:
    return [
        (criterion, result.by_id()[student_id])
        for criterion, result in zip(survey_analysis.criteria, survey_analysis.results, strict=True)
        if student_id in result.by_id()
    ]


def read_student_section(student: Student, surveys: Sequence[Survey], actor: User) -> list[dict]:
    """The student page's sociometry section for a counselor (audited when anything is shown)."""
    shown = []
    analyses = analyse_many(surveys)
    for survey in surveys:
        result = analyses[survey.pk]
        rows = student_status(result, student.pk)
        if not rows:
            continue
        categories = {c for _criterion, index in rows for c in index.categories}
        suggestions = [str(s) for c in FLAGGED if c in categories for s in SUGGESTIONS[c]]
        shown.append(
            {"survey": survey, "rows": rows, "suggestions": list(dict.fromkeys(suggestions)), "n": len(result.members)}
        )
    if shown:
        audit.record_for(actor, audit.Action.READ, student, f"sociometric status: {len(shown)} surveys")
    return shown


# --- alerts: the flags that go through the safety pipeline ----------------------------------------------

# Only "ditolak" raises a safety alert (severity attention); the reasons are in alerts.py. And only
# a clear case: the category's own floor (two classmates, above mean + SD) is met by chance in many
# a class where each student names one rejection (a random class of 34 has about nine per
# criterion), so an alert also needs at least ALERT_MIN_REJECTED classmates and at least
# ALERT_SHARE of those who answered. Those below it stay on the home card as ditolak.
ALERTED = (analysis.REJECTED,)
ALERT_MIN_REJECTED = 3
ALERT_SHARE = Fraction(1, 5)


def is_alert(index: analysis.StudentIndex, respondents: int) -> bool:
    """Whether a student's indices under one criterion make a safety alert."""
    return (
        any(category in ALERTED for category in index.categories)
        and index.rejected_by >= ALERT_MIN_REJECTED
        and index.rejected_by >= ALERT_SHARE * respondents
    )


def raise_alerts(survey: Survey) -> int:
    """The safety alerts of a closed survey's flags: one per student clearly ditolak under some
    criterion (`is_alert`), on their Member row; the number of new ones (0 on a re-analysis that
    finds the same)."""
    from ekonseling.safety import actions as safety
    from ekonseling.safety.models import ATTENTION, Alert

    data = analyse(survey)
    flagged = {index.id for result in data.results for index in result.members if is_alert(index, data.responded)}
    if not flagged:
        return 0
    members = dict(Member.objects.filter(survey=survey, student_id__in=flagged).values_list("student_id", "pk"))
    raised = 0
    for student in Student.objects.filter(pk__in=members).only("pk", "school_id").order_by("pk"):
        _alert, new = safety.raise_alert(
            student=student,
            source=Alert.Source.SOCIOMETRY,
            source_id=members[student.pk],
            items=[analysis.REJECTED],
            severity=ATTENTION,
        )
        raised += new
    return raised


def sweep_alerts(now: datetime | None = None) -> int:
    """Raise the alerts of every survey that has closed since it was last checked (the safety
    pipeline's periodic sweep and its cron command call it; one query when nothing is due). Only
    the latest closed survey with answers of each rombel raises alerts, as only it makes the home
    card's flags; older ones are just marked checked. Each survey is claimed by one conditional
    UPDATE, so two processes never check the same one at once."""
    now = now or timezone.now()
    due = list(
        Survey.objects.filter(closes_at__lte=now, alerts_checked_at__isnull=True)
        .order_by("-closes_at", "-pk")
        .values_list("pk", "rombel_id", "closes_at")
    )
    raised = 0
    for pk, rombel_id, closes_at in due:
        with transaction.atomic():
            if not Survey.objects.filter(pk=pk, alerts_checked_at__isnull=True).update(alerts_checked_at=now):
                continue
            survey = Survey.objects.filter(pk=pk, responses__isnull=False).distinct().first()
            later = Survey.objects.filter(
                rombel_id=rombel_id, closes_at__lte=now, closes_at__gt=closes_at, responses__isnull=False
            ).exists()
            if survey is not None and not later:
                raised += raise_alerts(survey)
    return raised
