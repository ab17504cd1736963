"""Reports of services given (monthly, semester) and the counselor's and principal's dashboards.

The report counts, per dimension (service, bidang, medium, counselor, rombel, month): records,
students reached (a record's participants: one student, a group's members, a rombel's students on
the day) and minutes. A few queries whatever the number of records.
"""

from __future__ import annotations

import calendar
import datetime
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ekonseling.accounts.models import COUNSELOR_ROLES, Role, User
from ekonseling.students import caseload
from ekonseling.students.models import Rombel, Semester, Student

from . import suppression
from .models import Bidang, Laiseg, Medium, Participation, ServiceRecord, ServiceType

# --- periods -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    kind: str  # "month" or "semester"
    start: datetime.date
    end: datetime.date  # inclusive
    label: str
    param: str  # the query string that names it

    def months(self) -> list[tuple[int, int]]:
        months, (y, m) = [], (self.start.year, self.start.month)
        while (y, m) <= (self.end.year, self.end.month):
            months.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return months


def month_label(year: int, month: int) -> str:
    return formats.date_format(datetime.date(year, month, 1), "F Y")


def month_period(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period(
        "month",
        datetime.date(year, month, 1),
        datetime.date(year, month, last),
        month_label(year, month),
        f"bulan={year:04d}-{month:02d}",
    )


def _semester_label(semester: Semester) -> str:
    return _("Semester %(number)s %(year)s") % {
        "number": semester.get_number_display(),
        "year": semester.academic_year.name,
    }


def semesters(school_id: int) -> list[Semester]:
    return list(
        Semester.objects.filter(academic_year__school_id=school_id)
        .select_related("academic_year")
        .order_by("-starts_on")
    )


def semester_period(semester: Semester) -> Period:
    return Period(
        "semester", semester.starts_on, semester.ends_on, _semester_label(semester), f"semester={semester.pk}"
    )


def current_semester(school_id: int, today: datetime.date | None = None) -> Period:
    """The school's semester holding today; without semesters entered, July–December or January–June."""
    today = today or timezone.localdate()
    semester = (
        Semester.objects.filter(academic_year__school_id=school_id, starts_on__lte=today, ends_on__gte=today)
        .select_related("academic_year")
        .first()
    )
    if semester is not None:
        return semester_period(semester)
    if today.month >= 7:
        start, end, number = datetime.date(today.year, 7, 1), datetime.date(today.year, 12, 31), 1
        year = f"{today.year}/{today.year + 1}"
    else:
        start, end, number = datetime.date(today.year, 1, 1), datetime.date(today.year, 6, 30), 2
        year = f"{today.year - 1}/{today.year}"
    label = _("Semester %(number)s %(year)s") % {"number": number, "year": year}
    return Period("semester", start, end, label, "semester=")


def as_id(value: Any) -> int | None:
    """A row id typed in a query string, or None: ASCII digits only, never a number too long to be one."""
    value = str(value or "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 12 else None


def period_from(school_id: int, params: Any) -> Period:
    """The period a report's query string names (`bulan=2026-11` or `semester=<id>`); this month by default."""
    if "semester" in params:
        number = as_id(params.get("semester"))
        if number is not None:
            semester = (
                Semester.objects.filter(pk=number, academic_year__school_id=school_id)
                .select_related("academic_year")
                .first()
            )
            if semester is not None:
                return semester_period(semester)
        return current_semester(school_id)
    value = params.get("bulan") or ""
    try:
        year, month = (int(part) for part in value.split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return month_period(year, month)
    except ValueError:
        pass
    today = timezone.localdate()
    return month_period(today.year, today.month)


# --- the report ----------------------------------------------------------------------------------


@dataclass
class Line:
    key: Any
    label: str
    records: int = 0
    students: int = 0
    minutes: int = 0


@dataclass
class Activity:
    pk: int
    date: datetime.date
    service: str
    bidang: str
    medium: str
    participants: str
    students: int
    minutes: int
    topic: str
    counselor: str


@dataclass
class Report:
    school: Any
    period: Period
    counselor: User | None
    records: int = 0
    students: int = 0  # participations: a student in two services counts twice
    distinct_students: int = 0
    minutes: int = 0
    by_type: list[Line] = field(default_factory=list)
    by_bidang: list[Line] = field(default_factory=list)
    by_medium: list[Line] = field(default_factory=list)
    by_counselor: list[Line] = field(default_factory=list)
    by_rombel: list[Line] = field(default_factory=list)
    by_month: list[Line] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    month_type: list[tuple[str, list[int], int]] = field(default_factory=list)

    @property
    def dimensions(self) -> list[tuple[str, str, list[Line]]]:
        return [
            ("type", _("By service"), self.by_type),
            ("bidang", _("By field (bidang)"), self.by_bidang),
            ("medium", _("By medium"), self.by_medium),
            ("rombel", _("By rombel"), self.by_rombel),
            ("counselor", _("By counselor"), self.by_counselor),
            ("month", _("By month"), self.by_month),
        ]


def _lines(choices: Any, rows: list[tuple], index: int) -> list[Line]:
    lines = {value: Line(value, str(label)) for value, label in choices}
    for row in rows:
        line = lines[row[index]]
        line.records += 1
        line.students += row[-1]
        line.minutes += row[5]
    return list(lines.values())


def records_in(school_id: int, period: Period, counselor: User | None = None) -> Any:
    records = ServiceRecord.objects.filter(school_id=school_id, date__range=(period.start, period.end))
    if counselor is not None:
        records = records.filter(counselor=counselor)
    return records


def build_report(school: Any, period: Period, counselor: User | None = None, *, activities: bool = True) -> Report:
    """The report of `period` (one counselor's records, or the school's when None)."""
    records = records_in(school.pk, period, counselor)
    count = Participation.objects.filter(record_id=OuterRef("pk")).values("record_id").annotate(n=Count("pk"))
    rows = list(
        records.annotate(n=Coalesce(Subquery(count.values("n")), 0))
        .order_by("date", "pk")
        .values_list(
            "pk", "service_type", "bidang", "medium", "counselor_id", "duration_minutes", "date", "scope",
            "rombel_id", "topic", "n",
        )
    )  # fmt: skip
    report = Report(school, period, counselor)
    report.records = len(rows)
    report.students = sum(r[-1] for r in rows)
    report.minutes = sum(r[5] for r in rows)
    report.by_type = _lines(ServiceType.choices, rows, 1)
    report.by_bidang = _lines(Bidang.choices, rows, 2)
    report.by_medium = _lines(Medium.choices, rows, 3)
    months = period.months()
    report.by_month = _lines(
        [((y, m), month_label(y, m)) for y, m in months], [(*r[:4], (r[6].year, r[6].month), *r[5:]) for r in rows], 4
    )  # noqa: E501
    counselor_ids = sorted({r[4] for r in rows if r[4] is not None})
    label_of = {
        pk: full_name or username
        for pk, full_name, username in User.objects.filter(pk__in=counselor_ids).values_list(
            "pk", "full_name", "username"
        )
    }
    report.by_counselor = _lines([(pk, label_of[pk]) for pk in counselor_ids] + [(None, "—")], rows, 4)
    report.by_counselor = [line for line in report.by_counselor if line.records]
    # By rombel: where the participants were on the day (a group with two rombel counts in both).
    participations = Participation.objects.filter(record__in=records.values("pk"))
    per_rombel = (
        participations.values("rombel_id")
        .annotate(records=Count("record_id", distinct=True), students=Count("pk"))
        .order_by()
    )
    minutes = defaultdict(int)
    # A record's minutes count once per rombel it reached.
    for rombel_id, _record_id, record_minutes in (
        participations.values_list("rombel_id", "record_id", "record__duration_minutes").distinct().order_by()
    ):
        minutes[rombel_id] += record_minutes
    rombel_names = dict(Rombel.objects.filter(school_id=school.pk).values_list("pk", "name"))
    report.by_rombel = sorted(
        (
            Line(
                row["rombel_id"],
                rombel_names.get(row["rombel_id"], _("No rombel")),
                row["records"],
                row["students"],
                minutes[row["rombel_id"]],
            )
            for row in per_rombel
        ),
        key=lambda line: line.label,
    )
    report.distinct_students = participations.values("student_id").distinct().count()
    if activities:
        rombel_of = rombel_names
        type_label, bidang_label, medium_label = dict(ServiceType.choices), dict(Bidang.choices), dict(Medium.choices)
        for pk, stype, bidang, medium, counselor_id, mins, date, scope, rombel_id, topic, n in rows:
            if scope == "rombel":
                who = rombel_of.get(rombel_id, "—")
            elif scope == "group":
                who = _("Group of %(n)d") % {"n": n}
            else:
                who = _("Individual")
            report.activities.append(
                Activity(
                    pk, date, str(type_label[stype]), str(bidang_label[bidang]), str(medium_label[medium]), who, n,
                    mins, topic, label_of.get(counselor_id) or "—",
                )
            )  # fmt: skip
    # The semester's month × service recap (what the semester PDF lists instead of every activity).
    per = Counter((r[1], (r[6].year, r[6].month)) for r in rows)
    for value, label in ServiceType.choices:
        counts = [per[(value, ym)] for ym in months]
        report.month_type.append((str(label), counts, sum(counts)))
    return report


# --- the counselor's dashboard --------------------------------------------------------------------


@dataclass
class CounselorDashboard:
    semester: Period
    caseload_size: int
    served: int
    month_records: int
    month_students: int
    median_reply_minutes: float | None
    replied_conversations: int
    laiseg_asked: int
    laiseg_answered: int
    laiseg_means: dict[str, float | None]

    @property
    def coverage_percent(self) -> int | None:
        return round(100 * self.served / self.caseload_size) if self.caseload_size else None


def students_of(user: User) -> Any:
    """The active students a counselor is answerable for: the koordinator's school, a guru BK's caseload."""
    students = Student.objects.filter(school_id=user.school_id, status=Student.Status.ACTIVE)
    if user.role == Role.KOORDINATOR_BK:
        return students
    return students.filter(caseload.caseload_q(user))


def first_reply_minutes(conversations: Any) -> list[float]:
    """Per conversation, minutes from the student's first message to the first counselor message after it."""
    from ekonseling.counseling.models import Message

    first = Message.objects.filter(conversation_id=OuterRef("pk"), sender_role="student").order_by("seq")
    # A reply needs two messages at least: a conversation with one (a question not yet answered,
    # most of a busy inbox) is left out before its subqueries run.
    annotated = conversations.filter(last_seq__gte=2).annotate(first_student=Subquery(first.values("created_at")[:1]))
    reply = Message.objects.filter(
        conversation_id=OuterRef("pk"), sender_role="counselor", created_at__gte=OuterRef("first_student")
    ).order_by("seq")
    pairs = (
        annotated.annotate(first_reply=Subquery(reply.values("created_at")[:1]))
        .order_by()
        .values_list("first_student", "first_reply")
    )
    # Conversations without a student message or a reply are dropped here: a WHERE on the
    # annotations would repeat their subqueries (the first one three times) in the SQL.
    return [(b - a).total_seconds() / 60 for a, b in pairs if a is not None and b is not None]


def laiseg_summary(laisegs: Any) -> tuple[int, int, dict[str, float | None]]:
    from django.db.models import Avg

    totals = laisegs.aggregate(
        asked=Count("pk"),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        understanding=Avg("understanding"),
        comfort=Avg("comfort"),
        action=Avg("action"),
    )
    means = {name: (round(totals[name], 2) if totals[name] is not None else None) for name in Laiseg.SCORES}
    return totals["asked"], totals["answered"], means


def counselor_dashboard(user: User, today: datetime.date | None = None) -> CounselorDashboard:
    from ekonseling.counseling.models import Conversation

    today = today or timezone.localdate()
    semester = current_semester(user.school_id, today)
    mine = students_of(user)
    served = Participation.objects.filter(
        record__school_id=user.school_id, record__date__range=(semester.start, semester.end)
    ).values("student_id")
    # IN, not a correlated EXISTS: the semester's participants are read once and hashed, instead of
    # one look-up into the school's records per student (2,000 for a koordinator).
    counts = mine.aggregate(size=Count("pk"), served=Count("pk", filter=Q(pk__in=served)))
    month = month_period(today.year, today.month)
    own = ServiceRecord.objects.filter(counselor=user, date__range=(month.start, month.end))
    # One query for both: records counted once each, participations (rows of one record each) all.
    tally = own.aggregate(records=Count("pk", distinct=True), students=Count("participations"))
    month_records, month_students = tally["records"], tally["students"]
    # From the semester's first local midnight: the same rows as created_at__date__gte, without
    # converting every row's time to a date.
    since = timezone.make_aware(datetime.datetime.combine(semester.start, datetime.time.min))
    conversations = Conversation.objects.filter(school_id=user.school_id, created_at__gte=since)
    if user.role != Role.KOORDINATOR_BK:
        conversations = conversations.filter(counselor=user)
    waits = first_reply_minutes(conversations)
    asked, answered, means = laiseg_summary(
        Laiseg.objects.filter(record__counselor=user, record__date__range=(semester.start, semester.end))
    )
    return CounselorDashboard(
        semester=semester,
        caseload_size=counts["size"],
        served=counts["served"],
        month_records=month_records,
        month_students=month_students,
        median_reply_minutes=round(statistics.median(waits), 1) if waits else None,
        replied_conversations=len(waits),
        laiseg_asked=asked,
        laiseg_answered=answered,
        laiseg_means=means,
    )


# --- Laiseg results --------------------------------------------------------------------------------


@dataclass
class LaisegRow:
    label: str
    asked: int
    answered: int
    means: dict[str, float | None]


def laiseg_results(user: User, period: Period) -> dict[str, list[LaisegRow]]:
    """Laiseg by counselor and by service over a period: a guru BK's own, the koordinator's school."""
    from django.db.models import Avg

    laisegs = Laiseg.objects.filter(school_id=user.school_id, record__date__range=(period.start, period.end))
    if user.role != Role.KOORDINATOR_BK:
        laisegs = laisegs.filter(record__counselor=user)

    def grouped(field_name: str, labels: dict) -> list[LaisegRow]:
        rows = (
            laisegs.values(field_name)
            .annotate(
                asked=Count("pk"),
                answered=Count("pk", filter=Q(answered_at__isnull=False)),
                understanding=Avg("understanding"),
                comfort=Avg("comfort"),
                action=Avg("action"),
            )
            .order_by(field_name)
        )
        return [
            LaisegRow(
                str(labels.get(row[field_name], "—")),
                row["asked"],
                row["answered"],
                {n: (round(row[n], 2) if row[n] is not None else None) for n in Laiseg.SCORES},
            )
            for row in rows
        ]

    counselors = {u.pk: u.display_name for u in User.objects.filter(school_id=user.school_id, role__in=COUNSELOR_ROLES)}
    asked, answered, means = laiseg_summary(laisegs)
    return {
        "total": [LaisegRow(_("All"), asked, answered, means)],
        "by_counselor": grouped("record__counselor", counselors),
        "by_type": grouped("record__service_type", dict(ServiceType.choices)),
    }


# --- the principal's dashboard ---------------------------------------------------------------------


@dataclass
class PrincipalDashboard:
    period: Period
    months: list[str]
    by_type: list[tuple[str, list[suppression.Shown], suppression.Shown]]
    by_bidang: list[tuple[str, list[suppression.Shown], suppression.Shown]]
    month_totals: list[suppression.Shown]
    total: suppression.Shown
    alerts: list[tuple[str, suppression.Shown, suppression.Shown, str]]
    alert_totals: tuple[suppression.Shown, suppression.Shown, str]
    instruments: list[tuple[str, suppression.Shown, suppression.Shown, str]]
    coverage: list[tuple[str, suppression.Shown, suppression.Shown, str]]


def _percent(part: suppression.Shown, whole: suppression.Shown) -> str:
    if part.hidden or whole.hidden or not whole.value:
        return "—"
    return f"{round(100 * part.value / whole.value)}%"


def _median_minutes(values: list[float], enough: bool) -> str:
    if not values or not enough:
        return "—"
    return _("%(minutes)s min") % {"minutes": formats.number_format(round(statistics.median(values)), 0)}


def principal_dashboard(school: Any, period: Period) -> PrincipalDashboard:
    """Aggregates only, small counts suppressed so that nothing hidden comes back by difference."""
    from ekonseling.instruments.models import Administration, Assignment
    from ekonseling.safety.models import ATTENTION, Alert

    months = period.months()
    rows = records_in(school.pk, period).values_list("service_type", "bidang", "date")
    by_type, by_bidang = Counter(), Counter()
    for stype, bidang, date in rows:
        by_type[(stype, (date.year, date.month))] += 1
        by_bidang[(bidang, (date.year, date.month))] += 1
    values, relations = suppression.crosstab("type", ServiceType.values, months, by_type)
    more, more_relations = suppression.crosstab("bidang", Bidang.values, months, by_bidang)
    values.update(more)
    shown = suppression.suppress(values, relations + more_relations)

    def table(name: str, choices: Any) -> list:
        return [
            (str(label), [shown[(name, value, m)] for m in months], shown[(name, value, "total")])
            for value, label in choices
        ]

    # Alerts raised per month (what students wrote: zero hidden too), decided, response time. Only
    # the urgent ones: an alert to follow up (a sociometric result) is no risk signal and would
    # stretch the response time it is not meant to be held to.
    alerts = list(
        Alert.objects.filter(school=school, created_at__date__range=(period.start, period.end))
        .exclude(severity=ATTENTION)
        .values_list("created_at", "decided_at", "status")
    )
    raised, decided, waits = Counter(), Counter(), defaultdict(list)
    for created, decided_at, status in alerts:
        ym = (timezone.localtime(created).year, timezone.localtime(created).month)
        raised[ym] += 1
        if decided_at is not None and status != "open":
            decided[ym] += 1
            waits[ym].append((decided_at - created).total_seconds() / 60)
    alert_values = {("raised", m): raised[m] for m in months} | {("decided", m): decided[m] for m in months}
    alert_values[("raised", "total")] = sum(raised[m] for m in months)
    alert_values[("decided", "total")] = sum(decided[m] for m in months)
    alert_relations = [
        (("raised", "total"), [("raised", m) for m in months]),
        (("decided", "total"), [("decided", m) for m in months]),
    ]
    alert_shown = suppression.suppress(alert_values, alert_relations, hide_zero=True)
    alert_rows = [
        (
            month_label(*m),
            alert_shown[("raised", m)],
            alert_shown[("decided", m)],
            _median_minutes(waits[m], not alert_shown[("decided", m)].hidden),
        )
        for m in months
    ]
    all_waits = [w for m in months for w in waits[m]]
    alert_totals = (
        alert_shown[("raised", "total")],
        alert_shown[("decided", "total")],
        _median_minutes(all_waits, not alert_shown[("decided", "total")].hidden),
    )
    # Instrument completion per administration opened in the period (answers: zero hidden too).
    administrations = (
        Administration.objects.filter(school=school, opens_at__date__range=(period.start, period.end))
        .annotate(
            assigned=Count("assignments"),
            submitted=Count("assignments", filter=Q(assignments__status=Assignment.Status.SUBMITTED)),
        )
        .order_by("opens_at", "pk")
    )
    instrument_rows = []
    for administration in administrations:
        cells = suppression.suppress(
            {"assigned": administration.assigned, "submitted": administration.submitted}, hide_zero=["submitted"]
        )
        instrument_rows.append(
            (
                administration.title,
                cells["assigned"],
                cells["submitted"],
                _percent(cells["submitted"], cells["assigned"]),
            )
        )
    # Coverage per counselor: students of their caseload served in the period.
    served_in = Participation.objects.filter(record__school=school, record__date__range=(period.start, period.end))
    coverage_rows = []
    for counselor in User.objects.filter(school=school, role=Role.GURU_BK, is_active=True).order_by("full_name", "pk"):
        counts = students_of(counselor).aggregate(
            size=Count("pk"), served=Count("pk", filter=Q(Exists(served_in.filter(student_id=OuterRef("pk")))))
        )
        cells = suppression.suppress({"size": counts["size"], "served": counts["served"]})
        coverage_rows.append(
            (counselor.display_name, cells["size"], cells["served"], _percent(cells["served"], cells["size"]))
        )
    return PrincipalDashboard(
        period=period,
        months=[month_label(*m) for m in months],
        by_type=table("type", ServiceType.choices),
        by_bidang=table("bidang", Bidang.choices),
        month_totals=[shown[("column", m)] for m in months],
        total=shown[("all",)],
        alerts=alert_rows,
        alert_totals=alert_totals,
        instruments=instrument_rows,
        coverage=coverage_rows,
    )


def student_services(user: User, student: Student, limit: int = 20) -> list[ServiceRecord]:
    """The student's services the viewer may read (their titles; the notes are on each record's page)."""
    from ekonseling.core import policy

    records = policy.visible(user, "service_record.view", ServiceRecord.objects.select_related("counselor"))
    return list(records.filter(participations__student=student).order_by("-date", "-pk")[:limit])
