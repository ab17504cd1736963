"""Instruments' part of the UU PDP export and erasure (registered in InstrumentsConfig.ready()).

The section `instrument_sheets` has one entry per answer sheet of the student: the instrument
and administration, the sheet's status and dates, the student's answers decrypted (with each
answered item's text), and the result exactly as the student's own result page shows it (bars
and words, no formulas, no critical-item flags), only where the student may see it: a submitted
sheet whose results the counselor released (the `assignment.view_own_result` rule). That holds
whoever asks for the file: an unreleased result, a counselor's attention reasons, class profiles
and critical-item alerts are counselor-side. A staff requester gets only the sheets they may read
(`assignment.view`); a requester who may not read counseling content (the operator) gets none, and
the file says so.

Erasure: sheets and their alerts cascade from the student's row; the hook drops the pending answer
imports of the student's administrations, whose encrypted preview holds their row.
"""

from __future__ import annotations

from typing import Any

from ekonseling.core import personal_data, policy

from . import filling, scoring
from .models import Administration, AnswerImport, Assignment, Instrument

SECTION = "instrument_sheets"


def result_visible_to_student(assignment: Assignment) -> bool:
    """What `assignment.view_own_result` lets the student see of their own sheet: a submitted
    sheet of an administration whose results were released. (The rule itself needs the student's
    active account; a graduate's closed account does not make their released results theirs less.)"""
    return assignment.status == Assignment.Status.SUBMITTED and assignment.administration.released_at is not None


def _answers(definition: Any, doc: dict) -> dict:
    texts = {item.number: item.text for item in definition.items}
    heavy = set(doc.get("heavy") or ())
    items = []
    for key, value in sorted((doc.get("items") or {}).items(), key=lambda kv: int(kv[0])):
        number = int(key)
        row = {"number": number, "item": texts.get(number, ""), "answer": value}
        if number in heavy:
            row["heavy"] = True
        items.append(row)
    questions = {q.code: q.text for q in definition.open_questions}
    open_answers = [
        {"question": questions.get(code, code), "answer": value} for code, value in (doc.get("open") or {}).items()
    ]
    return {"items": items, "open": open_answers}


def _result(definition: Any, doc: dict) -> dict:
    measure, rows = filling.result_rows(definition, scoring.score_individual(definition, doc))
    return {
        "measure": measure,
        "areas": [
            {
                "area": r.name,
                "value": r.display,
                "band": r.band,
                "items": list(r.items),
                "heavy": list(r.heavy),
                "below_target": r.below_target,
            }
            for r in rows
        ],
    }


def _sheet(assignment: Assignment) -> dict:
    administration = assignment.administration
    instrument = administration.instrument
    definition = instrument.definition
    doc = assignment.answer_data()
    released = result_visible_to_student(assignment)
    return {
        "instrument": {"code": instrument.code, "version": instrument.version, "title": instrument.title},
        "administration": {
            "title": administration.title,
            "opens_at": administration.opens_at,
            "closes_at": assignment.deadline,
            "results_released_at": administration.released_at,
        },
        "status": assignment.status,
        "source": assignment.source,
        "started_at": assignment.started_at,
        "saved_at": assignment.saved_at,
        "submitted_at": assignment.submitted_at,
        "answers": _answers(definition, doc),
        "result": _result(definition, doc) if released else None,
    }


def instrument_sheets(student: Any, viewer: Any) -> Any:
    if viewer is not None and not policy.can(viewer, "student.view_counseling", student):
        return personal_data.Partial(None, omitted=(SECTION,))
    sheets = list(
        Assignment.objects.filter(student=student)
        .select_related("administration__instrument", "student")
        .order_by("administration__opens_at", "pk")
    )
    subject = viewer is None or viewer.pk == student.user_id
    readable = sheets if subject else [a for a in sheets if policy.can(viewer, "assignment.view", a)]
    exported = [_sheet(a) for a in readable]
    if len(readable) < len(sheets):
        # A staff requester gets no sheet the policy does not already let them read.
        return personal_data.Partial(exported, omitted=(f"{SECTION}.not_readable_by_requester",))
    return exported


def drop_pending_imports(student: Any) -> None:
    """An erased student's answers may sit in a pending spreadsheet preview (encrypted, with other
    students' rows): drop the previews of every administration they were in; the uploader uploads
    again."""
    AnswerImport.objects.filter(administration__assignments__student=student).delete()


def register() -> None:
    personal_data.register_export(SECTION, instrument_sheets, models=[Assignment, Administration, Instrument], order=70)
    personal_data.register_not_exported(
        [AnswerImport],
        "A counselor's pending answer spreadsheet, holding a whole class's rows; once applied the "
        "student's answers are their sheet, which is exported. Erasure drops it.",
    )
    personal_data.register_not_erased(
        [Instrument, Administration],
        "The school's instrument library and its administrations, made by staff; the student's answer "
        "sheet (and any alert on it) cascades with the student.",
    )
    personal_data.register_erasure("instruments.pending_imports", drop_pending_imports, models=[AnswerImport])
