"""The actions of service records: record a service (from a conversation or held outside the
app), change it, ask its students for a Laiseg, answer one. Each takes an explicit actor and
origin and writes its audit line inside its transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ekonseling.accounts.models import Role, User
from ekonseling.core import audit, policy
from ekonseling.core.errors import ActionError
from ekonseling.counseling.models import Conversation
from ekonseling.students import caseload
from ekonseling.students.models import Rombel, Student

from .models import Laiseg, Medium, Participation, Scope, ServiceRecord, ServiceType

MAX_DURATION = 600
# A conversation's medium on the record made from it.
CONVERSATION_MEDIUM = {Conversation.Kind.CHAT: Medium.CHAT, Conversation.Kind.LETTER: Medium.SURAT}


class RecordError(ActionError):
    code = "records.refused"


@dataclass
class RecordData:
    """What a counselor enters; `students` for one student or a group, `rombel` for a rombel."""

    service_type: str
    bidang: str
    medium: str
    date: datetime.date
    duration_minutes: int
    scope: str
    topic: str
    description: str = ""
    result: str = ""
    follow_up: str = ""
    students: list[Student] = field(default_factory=list)
    rombel: Rombel | None = None
    conversation: Conversation | None = None
    ask_laiseg: bool = False


def may_record_for(actor: User, student: Student) -> bool:
    """A guru BK records services for the students they serve; the koordinator for any."""
    return caseload.serves(actor, student)


def may_record_for_rombel(actor: User, rombel: Rombel) -> bool:
    return actor.role == Role.KOORDINATOR_BK or caseload.serves_rombel(actor, rombel)


def conversation_for_record(actor: User, conversation: Conversation) -> Conversation:
    """A chat or letter the actor handles (or, as koordinator, may manage): anonymous questions are
    never recorded under the student's name."""
    if conversation.kind not in CONVERSATION_MEDIUM or not policy.can(actor, "conversation.manage", conversation):
        raise RecordError(_("This conversation cannot be recorded as a service."), code="records.conversation")
    return conversation


def _check(actor: User, data: RecordData, record: ServiceRecord | None = None) -> None:
    if data.service_type not in ServiceType.values:
        raise RecordError(_("Choose a service."), code="records.invalid")
    if not 1 <= int(data.duration_minutes) <= MAX_DURATION:
        raise RecordError(_("The duration must be between 1 and 600 minutes."), code="records.invalid")
    if data.date > timezone.localdate():
        raise RecordError(
            _("A service is recorded once it has taken place: the date is in the future."), code="records.future"
        )
    if data.scope == Scope.ROMBEL:
        if data.rombel is None or data.rombel.school_id != actor.school_id:
            raise RecordError(_("Choose the rombel."), code="records.invalid")
        if not may_record_for_rombel(actor, data.rombel):
            raise RecordError(_("You do not serve this rombel."), code="records.not_yours")
    else:
        if not data.students:
            raise RecordError(_("Choose the students who took part."), code="records.invalid")
        if data.scope == Scope.STUDENT and len(data.students) != 1:
            raise RecordError(_("An individual service has one student."), code="records.invalid")
        old = set(record.participations.values_list("student_id", flat=True)) if record else set()
        if data.conversation is not None:
            # A conversation transferred to the actor is theirs to record, caseload or not.
            conversation_for_record(actor, data.conversation)
            old.add(data.conversation.student_id)
        for student in data.students:
            # A student already on the record may stay even if they left the caseload since.
            if student.school_id != actor.school_id or (student.pk not in old and not may_record_for(actor, student)):
                raise RecordError(_("You do not serve one of these students."), code="records.not_yours")
    if data.conversation is not None:
        conversation_for_record(actor, data.conversation)
        if data.scope != Scope.STUDENT or data.students[0].pk != data.conversation.student_id:
            raise RecordError(
                _("A record made from a conversation is of that conversation's student."), code="records.conversation"
            )


def _participants(data: RecordData) -> list[tuple[int, int | None]]:
    if data.scope == Scope.ROMBEL:
        return list(
            Student.objects.filter(rombel=data.rombel, status=Student.Status.ACTIVE).values_list("pk", "rombel_id")
        )
    return [(s.pk, s.rombel_id) for s in data.students]


def _apply(record: ServiceRecord, data: RecordData) -> None:
    for name in (
        "service_type",
        "bidang",
        "medium",
        "date",
        "duration_minutes",
        "scope",
        "topic",
        "description",
        "result",
        "follow_up",
    ):
        setattr(record, name, getattr(data, name))
    record.rombel = data.rombel if data.scope == Scope.ROMBEL else None
    if data.conversation is not None:
        record.conversation = data.conversation


def _set_participants(record: ServiceRecord, data: RecordData) -> None:
    wanted = dict(_participants(data))
    current = set(record.participations.values_list("student_id", flat=True))
    Participation.objects.filter(record=record).exclude(student_id__in=wanted).delete()
    Participation.objects.bulk_create(
        [Participation(record=record, student_id=s, rombel_id=r) for s, r in wanted.items() if s not in current]
    )


def create_record(actor: User, data: RecordData, *, ip: str | None = None, user_agent: str = "") -> ServiceRecord:
    if not policy.can(actor, "service_record.create"):
        raise RecordError(_("Only counselors record services."), code="records.forbidden")
    _check(actor, data)
    with transaction.atomic():
        record = ServiceRecord(school_id=actor.school_id, counselor=actor)
        _apply(record, data)
        record.save()
        _set_participants(record, data)
        detail = f"service recorded: {record.service_type}, {record.participations.count()} students"
        if record.conversation_id:
            detail += f", from conversation #{record.conversation_id}"
        audit.record_for(actor, audit.Action.CREATE, record, detail, ip, user_agent)
        if data.ask_laiseg:
            _request_laiseg(record)
    return record


def update_record(
    actor: User, record: ServiceRecord, data: RecordData, *, ip: str | None = None, user_agent: str = ""
) -> ServiceRecord:
    if not policy.can(actor, "service_record.edit", record):
        raise RecordError(
            _("Only the counselor who wrote it or the BK coordinator changes a record."), code="records.forbidden"
        )
    data.conversation = data.conversation or record.conversation
    if data.conversation is not None and data.conversation.pk == record.conversation_id:
        data.conversation = None  # already linked; the link is not checked again
    _check(actor, data, record)
    with transaction.atomic():
        _apply(record, data)
        record.save()
        _set_participants(record, data)
        audit.record_for(actor, audit.Action.CHANGE, record, "service record changed", ip, user_agent)
        if data.ask_laiseg:
            _request_laiseg(record)
    return record


def _request_laiseg(record: ServiceRecord) -> int:
    students = record.participations.exclude(student__user__isnull=True).values_list("student_id", flat=True)
    made = Laiseg.objects.bulk_create(
        [Laiseg(school_id=record.school_id, record=record, student_id=s) for s in students], ignore_conflicts=True
    )
    return len(made)


def request_laiseg(actor: User, record: ServiceRecord, *, ip: str | None = None, user_agent: str = "") -> int:
    """Ask every student of the record who has an account for a Laiseg (those asked already keep theirs)."""
    if not policy.can(actor, "service_record.edit", record):
        raise RecordError(
            _("Only the counselor who wrote it or the BK coordinator asks for a Laiseg."), code="records.forbidden"
        )
    with transaction.atomic():
        before = record.laisegs.count()
        _request_laiseg(record)
        asked = record.laisegs.count() - before
        audit.record_for(actor, audit.Action.CHANGE, record, f"Laiseg requested: {asked} students", ip, user_agent)
    return asked


def answer_laiseg(
    actor: User, laiseg: Laiseg, scores: dict[str, Any], plan: str, *, ip: str | None = None, user_agent: str = ""
) -> Laiseg:
    if not policy.can(actor, "laiseg.answer", laiseg):
        raise RecordError(
            _("This evaluation is not yours to answer, or it was answered already."), code="records.laiseg"
        )
    values = {}
    for name in Laiseg.SCORES:
        try:
            value = int(scores.get(name))
        except (TypeError, ValueError):
            value = None
        if value not in (1, 2, 3, 4):
            raise RecordError(_("Answer every question."), code="records.invalid")
        values[name] = value
    with transaction.atomic():
        updated = Laiseg.objects.filter(pk=laiseg.pk, answered_at__isnull=True).update(
            **values, answered_at=timezone.now()
        )
        if not updated:
            raise RecordError(_("This evaluation was answered already."), code="records.laiseg")
        laiseg.refresh_from_db()
        laiseg.plan = (plan or "").strip()[:2000]
        laiseg.save(update_fields=["plan"])
    return laiseg


def read_record(actor: User, record: ServiceRecord, *, ip: str | None = None, user_agent: str = "") -> dict[str, str]:
    """The record's notes for a counselor who may read them, the read written to the audit log."""
    audit.record_for(actor, audit.Action.READ, record, ", ".join(ServiceRecord.NARRATIVE), ip, user_agent)
    return {name: getattr(record, name) for name in ServiceRecord.NARRATIVE}


def read_plans(actor: User, laisegs: Iterable[Laiseg], *, ip: str | None = None, user_agent: str = "") -> None:
    """Audit the counselor's read of the students' written plans on a record's page."""
    laisegs = [laiseg for laiseg in laisegs if laiseg.plan]
    if laisegs:
        audit.record_for(actor, audit.Action.READ, laisegs[0].record, f"Laiseg plans: {len(laisegs)}", ip, user_agent)


def export_report(actor: User, report: Any, kind: str, *, ip: str | None = None, user_agent: str = "") -> bytes:
    """The report as "pdf" or "xlsx", the download written to the audit log."""
    from . import exports

    if kind not in ("pdf", "xlsx"):
        raise RecordError(_("Unknown format."), code="records.invalid")
    data = exports.report_pdf(report, actor) if kind == "pdf" else exports.report_xlsx(report)
    who = report.counselor.username if report.counselor else "all counselors"
    span = f"{report.period.start:%Y-%m-%d}..{report.period.end:%Y-%m-%d}"
    detail = f"service report {span}, {who}, {report.records} records ({kind})"
    audit.record_for(actor, audit.Action.EXPORT, None, detail, ip, user_agent)
    return data
