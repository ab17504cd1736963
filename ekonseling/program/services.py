"""The actions of the BK program: draft it from a needs assessment, edit its items, save a version,
write an item's RPL, link the service records that carried an item out. Each takes an explicit actor
and writes its audit line inside its transaction."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ekonseling.accounts.models import User
from ekonseling.core import audit, policy
from ekonseling.core.errors import ActionError
from ekonseling.instruments import reports as instrument_reports
from ekonseling.instruments.models import Administration, Assignment
from ekonseling.records import reports as record_reports
from ekonseling.records import services as record_services
from ekonseling.records.models import Bidang, Laiseg, Medium, Scope, ServiceRecord, ServiceType
from ekonseling.students.models import AcademicYear, Rombel

from .models import MONTH_CHOICES, SCHOOL_MONTHS, Program, ProgramItem, ProgramVersion, Realisation, Rpl

# The months a drafted program spreads its topics over, highest needs first: August to May (July
# is the orientation month and June the end of the year, left to the counselor).
DRAFT_MONTHS = (8, 9, 10, 11, 1, 2, 3, 4, 5)
MAX_PER_BIDANG = 10


class ProgramError(ActionError):
    code = "program.refused"


@dataclass
class ItemData:
    bidang: str
    topic: str
    service_type: str
    month: int
    week: int | None = None
    grade: int | None = None
    rombel: Rombel | None = None


def _audit(actor: User, action: str, obj, detail: str = "") -> None:
    audit.record_for(actor, action, obj, detail)


# --- drafting ------------------------------------------------------------------------------------------------


def draft_order(ranking: dict[str, list], per_bidang: int) -> list:
    """The needs the draft plans, in the order they are scheduled: the most wanted need of every
    bidang first (bidang in the ranking's order: highest need first), then the second of each, and
    so on."""
    order = []
    for rank in range(per_bidang):
        for needs in ranking.values():
            if rank < len(needs):
                order.append(needs[rank])
    return order


def schedule(position: int) -> tuple[int, int]:
    """(month, week) of the draft's ``position``-th need: one per month from August to May, then
    round again one week later."""
    month = DRAFT_MONTHS[position % len(DRAFT_MONTHS)]
    week = 1 + (position // len(DRAFT_MONTHS)) % 4
    return month, week


def _target(administration: Administration) -> tuple[int | None, Rombel | None]:
    rombels = list(administration.rombels.all())
    if len(rombels) == 1:
        return rombels[0].grade, rombels[0]
    grades = {rombel.grade for rombel in rombels}
    return (grades.pop() if len(grades) == 1 else None), None


def topic_of(need) -> str:
    """A program topic from a ranked need: the AKPD need itself; for a problem a student ticked
    (DCM, AUM) the guidance that answers it."""
    if need.problem:
        return (_("Dealing with: %(problem)s") % {"problem": need.text})[:200]
    return need.text[:200]


@dataclass
class Proposed:
    """One program item the draft proposes, before the counselor accepts it."""

    need: object  # instruments.reports.RankedNeed
    month: int
    week: int

    @property
    def month_label(self) -> str:
        return dict(MONTH_CHOICES)[self.month]

    @property
    def percent(self) -> str:
        return self.need.percent.display(1)

    @property
    def topic(self) -> str:
        return topic_of(self.need)


@dataclass
class Proposal:
    administration: Administration
    bidang: list  # instruments.reports.BidangNeeds, highest need first
    items: list[Proposed]
    n: int

    def rows(self) -> list[dict]:
        """Per bidang, highest need first: its label, group figure and proposed topics."""
        return [
            {
                "bidang": row.bidang,
                "label": Bidang(row.bidang).label if row.bidang in Bidang.values else row.bidang,
                "percent": row.percent.display(1),
                "items": [p for p in self.items if p.need.bidang == row.bidang],
            }
            for row in self.bidang
        ]


def _allowed_source(actor: User, administration: Administration) -> None:
    if not policy.can(actor, "program.create") or not policy.can(actor, "administration.manage", administration):
        raise ProgramError(_("You may not plan from this needs assessment."), code="program.not_allowed")


def propose(actor: User, administration: Administration, *, per_bidang: int = 3) -> Proposal:
    """What a draft from ``administration`` would plan: the bidang ranked by their group figure
    (highest first), the ``per_bidang`` most marked needs of each as classical-guidance topics,
    spread over the school year (`draft_order`, `schedule`). Nothing is written."""
    _allowed_source(actor, administration)
    if not 1 <= int(per_bidang) <= MAX_PER_BIDANG:
        raise ProgramError(_("Choose between 1 and 10 topics per bidang."), code="program.invalid")
    sheets = Assignment.objects.filter(administration=administration)
    visible = set(policy.visible(actor, "assignment.view", sheets).values_list("pk", flat=True))
    # Raises for another kind; as the class profile, leaves out the sheets of the few students the
    # actor does not serve (they could be told by difference).
    profile = instrument_reports.needs_profile(administration, visible=visible)
    if not profile or not any(row.needs for row in profile):
        raise ProgramError(_("Nobody has submitted this needs assessment yet."), code="program.no_answers")
    # A critical item (say, thoughts of ending one's life) is followed up with each student who
    # ticked it (the instruments' alerts), never made a topic of classical guidance.
    ranking = {row.bidang: [need for need in row.needs if not need.critical] for row in profile}
    items = [Proposed(need, *schedule(position)) for position, need in enumerate(draft_order(ranking, int(per_bidang)))]
    return Proposal(administration, profile, items, profile[0].needs[0].n if profile[0].needs else 0)


def draft(
    actor: User,
    administration: Administration,
    *,
    title: str = "",
    per_bidang: int = 3,
    accepted: set[int] | None = None,
) -> Program:
    """A new program (version 1) from the needs of ``administration`` (`propose`); ``accepted``: the
    item numbers of the needs the counselor kept (None: all proposed). Each item keeps the need's
    number and share; it is planned for the administration's grade or rombel."""
    proposal = propose(actor, administration, per_bidang=per_bidang)
    chosen = [p for p in proposal.items if accepted is None or p.need.number in accepted]
    if not chosen:
        raise ProgramError(_("Tick at least one proposed topic."), code="program.invalid")
    year = _year_of(actor, administration)
    grade, rombel = _target(administration)
    title = (title or "").strip()[:200] or _("BK program %(year)s (from %(source)s)") % {
        "year": year.name,
        "source": administration.title,
    }
    with transaction.atomic():
        program = Program.objects.create(
            school_id=actor.school_id,
            academic_year=year,
            title=title,
            administration=administration,
            created_by=actor,
        )
        version = ProgramVersion.objects.create(school_id=actor.school_id, program=program, number=1)
        for proposed in chosen:
            need = proposed.need
            ProgramItem.objects.create(
                school_id=actor.school_id,
                version=version,
                bidang=need.bidang,
                topic=proposed.topic,
                service_type=ServiceType.BIMBINGAN_KLASIKAL,
                grade=grade,
                rombel=rombel,
                month=proposed.month,
                week=proposed.week,
                need_item=need.number,
                need_percent=Decimal(str(round(float(need.percent.value), 2))),
            )
        detail = f"drafted from administration {administration.pk}: {len(chosen)} of {len(proposal.items)} accepted"
        _audit(actor, audit.Action.CREATE, program, detail)
    return program


def _year_of(actor: User, administration: Administration) -> AcademicYear:
    day = timezone.localdate(administration.opens_at)
    years = AcademicYear.objects.filter(school_id=actor.school_id)
    year = years.filter(starts_on__lte=day, ends_on__gte=day).first() or years.filter(is_current=True).first()
    if year is None:
        raise ProgramError(_("Enter the school's academic year first."), code="program.no_year")
    return year


def create_empty(actor: User, year: AcademicYear, title: str) -> Program:
    """A program to fill by hand (no needs assessment)."""
    if not policy.can(actor, "program.create") or year.school_id != actor.school_id:
        raise ProgramError(_("You may not create a program."), code="program.not_allowed")
    title = (title or "").strip()[:200]
    if not title:
        raise ProgramError(_("Give the program a title."), code="program.invalid")
    with transaction.atomic():
        program = Program.objects.create(school_id=actor.school_id, academic_year=year, title=title, created_by=actor)
        ProgramVersion.objects.create(school_id=actor.school_id, program=program, number=1)
        _audit(actor, audit.Action.CREATE, program)
    return program


# --- editing -------------------------------------------------------------------------------------------------


def _editable(actor: User, version: ProgramVersion) -> None:
    if not policy.can(actor, "program.edit", version.program):
        raise ProgramError(_("You may not change this program."), code="program.not_allowed")
    if version.frozen:
        raise ProgramError(
            _("This version was saved and is read-only; edit the newest version."), code="program.frozen"
        )


def _check(actor: User, data: ItemData) -> None:
    if data.bidang not in Bidang.values or data.service_type not in ServiceType.values:
        raise ProgramError(_("Choose a bidang and a service."), code="program.invalid")
    if data.month not in SCHOOL_MONTHS or (data.week is not None and not 1 <= data.week <= 5):
        raise ProgramError(_("Choose a month and a week (1–5)."), code="program.invalid")
    if data.grade is not None and not 1 <= data.grade <= 12:
        raise ProgramError(_("The grade is between 1 and 12."), code="program.invalid")
    if data.rombel is not None and data.rombel.school_id != actor.school_id:
        raise ProgramError(_("Choose a rombel of your school."), code="program.invalid")
    if not data.topic.strip():
        raise ProgramError(_("Give the topic."), code="program.invalid")


def add_item(actor: User, version: ProgramVersion, data: ItemData) -> ProgramItem:
    _editable(actor, version)
    _check(actor, data)
    with transaction.atomic():
        item = ProgramItem.objects.create(
            school_id=version.school_id,
            version=version,
            bidang=data.bidang,
            topic=data.topic.strip()[:200],
            service_type=data.service_type,
            grade=data.rombel.grade if data.rombel is not None else data.grade,
            rombel=data.rombel,
            month=data.month,
            week=data.week,
        )
        _audit(actor, audit.Action.CREATE, item)
    return item


def change_item(actor: User, item: ProgramItem, data: ItemData) -> ProgramItem:
    _editable(actor, item.version)
    _check(actor, data)
    with transaction.atomic():
        item.bidang, item.topic, item.service_type = data.bidang, data.topic.strip()[:200], data.service_type
        item.rombel = data.rombel
        item.grade = data.rombel.grade if data.rombel is not None else data.grade
        item.month, item.week = data.month, data.week
        item.save()
        _audit(actor, audit.Action.CHANGE, item)
    return item


def remove_item(actor: User, item: ProgramItem) -> None:
    _editable(actor, item.version)
    with transaction.atomic():
        _audit(actor, audit.Action.DELETE, item, item.topic)
        item.delete()


def save_version(actor: User, program: Program, note: str = "") -> ProgramVersion:
    """Freeze the newest version as it stands and open the next one with a copy of its items, their
    RPL and their realisation links; the frozen version stays readable, never changed."""
    with transaction.atomic():
        current = ProgramVersion.objects.select_for_update().filter(program=program).order_by("-number").first()
        _editable(actor, current)
        current.frozen = True
        current.saved_by = actor
        current.saved_at = timezone.now()
        current.note = (note or "").strip()[:200]
        current.save()
        number = (program.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        new = ProgramVersion.objects.create(school_id=program.school_id, program=program, number=number)
        for item in current.items.select_related("rpl").prefetch_related("realisations"):
            copy = ProgramItem.objects.create(
                school_id=item.school_id,
                version=new,
                bidang=item.bidang,
                topic=item.topic,
                service_type=item.service_type,
                grade=item.grade,
                rombel_id=item.rombel_id,
                month=item.month,
                week=item.week,
                need_item=item.need_item,
                need_percent=item.need_percent,
                origin=item,
            )
            rpl = getattr(item, "rpl", None)
            if rpl is not None:
                Rpl.objects.create(
                    school_id=item.school_id, item=copy, **{name: getattr(rpl, name) for name in Rpl.FIELDS}
                )
            for link in item.realisations.all():
                Realisation.objects.create(
                    school_id=item.school_id, item=copy, record_id=link.record_id, linked_by_id=link.linked_by_id
                )
        _audit(actor, audit.Action.CHANGE, program, f"version {current.number} saved, version {number} opened")
    return new


# --- RPL -----------------------------------------------------------------------------------------------------


def rpl_draft(item: ProgramItem) -> dict[str, str]:
    """What an RPL starts with, from its item: the objectives and material of the topic, the method
    and evaluation of the service type."""
    topic = item.topic
    target = (
        item.rombel.name if item.rombel_id else (_("grade %(grade)s") % {"grade": item.grade} if item.grade else "")
    )
    classroom = item.service_type in (ServiceType.BIMBINGAN_KLASIKAL, ServiceType.ORIENTASI, ServiceType.PENEMPATAN)
    return {
        "tujuan": _(
            'Students understand the topic "%(topic)s" (bidang %(bidang)s) and can apply it in their daily life.'
        )
        % {"topic": topic, "bidang": item.get_bidang_display()},
        "materi": topic,
        "metode": _("Presentation, discussion, question and answer")
        if classroom
        else _("Group dynamics, discussion, reflection"),
        "media": _("Slides (PPT), LCD projector, worksheet"),
        "waktu": _("1 × 45 minutes") + (f" ({target})" if target else ""),
        "langkah": _(
            "1. Opening: greeting, prayer, checking attendance, building rapport.\n"
            "2. Core: presenting the material, discussion, reflection.\n"
            "3. Closing: summary, Laiseg, follow-up plan."
        ),
        "evaluasi": _(
            "Process: the students' engagement during the service. Result: Laiseg (understanding, comfort, action)."
        ),
    }


def save_rpl(actor: User, item: ProgramItem, values: dict[str, str]) -> Rpl:
    _editable(actor, item.version)
    with transaction.atomic():
        rpl, _created = Rpl.objects.get_or_create(school_id=item.school_id, item=item)
        for name in Rpl.FIELDS:
            limit = 100 if name == "waktu" else 5000
            setattr(rpl, name, str(values.get(name, "") or "")[:limit])
        rpl.save()
        _audit(actor, audit.Action.CHANGE, rpl)
    return rpl


# --- realisation ---------------------------------------------------------------------------------------------


def _linkable(actor: User, item: ProgramItem, record: ServiceRecord) -> None:
    _editable(actor, item.version)
    if record.school_id != item.school_id or not policy.can(actor, "service_record.view", record):
        raise ProgramError(_("You may not link this service record."), code="program.not_allowed")


def link(actor: User, item: ProgramItem, record: ServiceRecord) -> Realisation:
    _linkable(actor, item, record)
    with transaction.atomic():
        realisation, created = Realisation.objects.get_or_create(
            school_id=item.school_id, item=item, record=record, defaults={"linked_by": actor}
        )
        if created:
            _audit(actor, audit.Action.CREATE, realisation)
    return realisation


def unlink(actor: User, item: ProgramItem, record: ServiceRecord) -> None:
    _linkable(actor, item, record)
    with transaction.atomic():
        for realisation in Realisation.objects.filter(item=item, record=record):
            _audit(actor, audit.Action.DELETE, realisation)
            realisation.delete()


# --- carrying an item out: the classical session and its Laiseg -----------------------------------------


@dataclass
class Session:
    record: ServiceRecord
    asked: int  # students asked for a Laiseg on their phone


def hold_session(
    actor: User,
    item: ProgramItem,
    *,
    rombel: Rombel | None = None,
    duration_minutes: int = 45,
    medium: str = Medium.TATAP_MUKA,
) -> Session:
    """The classical session of ``item`` was given today: a service record of the item's type,
    bidang and topic for its rombel (or ``rombel``, one of its grade, when the item names a grade)
    is written through the records app, which asks every student of the rombel who has an account
    for a Laiseg on their phone; the record is linked to the item as its realisation."""
    _editable(actor, item.version)
    rombel = item.rombel if item.rombel_id else rombel
    if rombel is None or rombel.school_id != item.school_id or (item.grade and rombel.grade != item.grade):
        raise ProgramError(_("Choose the rombel that took part."), code="program.invalid")
    data = record_services.RecordData(
        service_type=item.service_type,
        bidang=item.bidang,
        medium=medium,
        date=timezone.localdate(),
        duration_minutes=duration_minutes,
        scope=Scope.ROMBEL,
        topic=item.topic[:200],
        rombel=rombel,
        ask_laiseg=True,
    )
    with transaction.atomic():
        record = record_services.create_record(actor, data)  # checks the actor serves the rombel
        link(actor, item, record)
    return Session(record, record.laisegs.count())


def items_for_session(actor: User, title: str, rombel: Rombel | None, *, limit: int = 5) -> list[ProgramItem]:
    """The program items a classical session presented under ``title`` (for ``rombel``, when its
    live poll names one) may carry out, best first, so present mode can send its Laiseg through
    `hold_session`: classical guidance in the newest version of a current-year program the actor
    may change, for that rombel, its grade or any rombel; the topic nearest the title first (the
    same words), then this month's, then those not yet done."""
    programs = Program.objects.filter(school_id=actor.school_id, academic_year__is_current=True)
    versions = [
        version
        for program in programs
        if policy.can(actor, "program.edit", program)
        and (version := program.current()) is not None
        and not version.frozen
    ]
    items = ProgramItem.objects.filter(version__in=versions, service_type=ServiceType.BIMBINGAN_KLASIKAL)
    if rombel is not None:
        items = items.filter(
            Q(rombel=rombel) | Q(rombel__isnull=True, grade=rombel.grade) | Q(rombel__isnull=True, grade__isnull=True)
        )
    items = items.select_related("rombel", "version__program").annotate(
        done=Exists(Realisation.objects.filter(item=OuterRef("pk")))
    )
    wanted = title.casefold().strip()
    words = set(re.findall(r"\w+", wanted))
    month = timezone.localdate().month

    def rank(item: ProgramItem) -> tuple:
        topic = item.topic.casefold().strip()
        shared = len(words & set(re.findall(r"\w+", topic)))
        return (topic != wanted, -shared, item.month != month, item.done, SCHOOL_MONTHS.index(item.month), item.pk)

    return sorted(items, key=rank)[:limit]


def laiseg_of(actor: User, item: ProgramItem) -> dict | None:
    """The Laiseg of the records that carried ``item`` out and the actor may read: asked, answered
    and the mean of each score (counts and means only, never a student's answer)."""
    linked = ServiceRecord.objects.filter(pk__in=Realisation.objects.filter(item=item).values("record_id"))
    records = policy.visible(actor, "service_record.view", linked)
    laisegs = Laiseg.objects.filter(record__in=records)
    asked, answered, means = record_reports.laiseg_summary(laisegs)
    if not asked:
        return None
    return {"asked": asked, "answered": answered, "means": means}


def item_months(item: ProgramItem) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the item's month in its program's academic year."""
    year = item.version.program.academic_year
    calendar_year = year.starts_on.year if item.month >= year.starts_on.month else year.starts_on.year + 1
    start = datetime.date(calendar_year, item.month, 1)
    end = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    return start, end


def suggestions(actor: User, item: ProgramItem, limit: int = 10) -> list[ServiceRecord]:
    """Service records the actor may read that look like the item: the same service type and bidang,
    in the item's month, for its rombel (or, when the item names a grade, a rombel of that grade);
    those already linked are left out."""
    start, end = item_months(item)
    records = policy.visible(actor, "service_record.view", ServiceRecord.objects.select_related("rombel", "counselor"))
    records = records.filter(service_type=item.service_type, bidang=item.bidang, date__range=(start, end))
    if item.rombel_id:
        records = records.filter(rombel_id=item.rombel_id)
    elif item.grade:
        records = records.filter(rombel__grade=item.grade)
    records = records.exclude(scope=Scope.STUDENT) if item.service_type == ServiceType.BIMBINGAN_KLASIKAL else records
    linked = Realisation.objects.filter(item=item).values("record_id")
    return list(records.exclude(pk__in=linked).order_by("date", "pk")[:limit])
