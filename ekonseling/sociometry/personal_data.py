"""Sociometry's part of the UU PDP export and erasure (registered in SociometryConfig.ready()).

Export (`sociometric_choices`): the surveys the student was a member of and the choices and
rejections THEY made, by name. Never who chose or rejected them, nor their indices: those are
other students' answers (a student never learns who chose them, over any URL or file). A staff
requester who may not read the student's sociometry (`sociometry.view_student`) gets nothing.

Erasure: the student's membership, response and choices cascade with the student's row, and so do
other students' choices naming them (`Choice.chosen`); the hook removes them explicitly first so
that the erasure does not depend on the cascade order, and every analysis recomputed afterwards
no longer counts them (N shrinks by one).
"""

from __future__ import annotations

from typing import Any

from ekonseling.core import personal_data, policy

from .models import Choice, Criterion, Member, Response, Survey

SECTION = "sociometric_choices"


def sociometric_choices(student: Any, viewer: Any) -> Any:
    if (
        viewer is not None
        and viewer.pk != student.user_id
        and not policy.can(viewer, "sociometry.view_student", student)
    ):
        return personal_data.Partial(None, omitted=(SECTION,))
    out = []
    memberships = Member.objects.filter(student=student).select_related("survey__rombel").order_by("survey__opens_at")
    for member in memberships:
        survey = member.survey
        response = Response.objects.filter(survey=survey, student=student).first()
        criteria = []
        picks = list(response.picks.select_related("chosen", "criterion")) if response else []
        for criterion in Criterion.objects.filter(survey=survey):
            mine = [p for p in picks if p.criterion_id == criterion.pk]
            criteria.append(
                {
                    "question": criterion.question,
                    "chosen": [p.chosen.name for p in sorted(mine, key=lambda p: p.rank) if p.positive],
                    "rejected": [p.chosen.name for p in sorted(mine, key=lambda p: p.rank) if not p.positive],
                }
            )
        out.append(
            {
                "survey": survey.title,
                "rombel": str(survey.rombel),
                "opens_at": survey.opens_at,
                "closes_at": survey.closes_at,
                "answered_at": response.submitted_at if response else None,
                "source": response.source if response else None,
                "criteria": criteria if response else [],
            }
        )
    return out


def erase(student: Any) -> None:
    Choice.objects.filter(chosen=student).delete()
    Response.objects.filter(student=student).delete()
    Member.objects.filter(student=student).delete()


def register() -> None:
    personal_data.register_export(SECTION, sociometric_choices, models=[Member, Response, Choice], order=80)
    personal_data.register_erasure("sociometry.choices", erase, models=[Member, Response, Choice])
    personal_data.register_not_exported(
        [Survey, Criterion],
        "The counselor's survey and its questions; the student's part of it (membership, answers) is exported.",
    )
    personal_data.register_not_erased(
        [Survey, Criterion], "The school's surveys, made by staff; the student's membership and choices go."
    )
