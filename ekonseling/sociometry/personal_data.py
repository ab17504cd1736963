"""Sociometry's part of the UU PDP export and erasure (registered in SociometryConfig.ready()).

Export (`sociometric_choices`): the surveys the student was a member of and the choices and
rejections THEY made, by name. Never who chose or rejected them, nor their indices: those are
other students' answers (a student never learns who chose them, over any URL or file). A staff
requester who may not read the student's sociometry (`sociometry.view_student`) gets nothing.

Erasure: the student's membership and response (with their encrypted choices) go, and every other
response of their surveys is decrypted, rewritten without the choices and rejections naming them,
and encrypted again (ciphertext has no foreign key to cascade); every analysis recomputed
afterwards no longer counts them (N shrinks by one). The other choices keep their ranks and weights.
"""

from __future__ import annotations

from typing import Any

from ekonseling.core import personal_data, policy

from .models import Criterion, Member, Response, Survey, encode_picks

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
        picks = response.picks() if response else []
        names = dict(Member.objects.filter(survey=survey).values_list("student_id", "student__name"))
        for criterion in Criterion.objects.filter(survey=survey):
            mine = sorted((p for p in picks if p.criterion_id == criterion.pk), key=lambda p: p.rank)
            criteria.append(
                {
                    "question": criterion.question,
                    "chosen": [names.get(p.chosen_id, "") for p in mine if p.positive],
                    "rejected": [names.get(p.chosen_id, "") for p in mine if not p.positive],
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
    surveys = Member.objects.filter(student=student).values("survey_id")
    for response in Response.objects.filter(survey_id__in=surveys).exclude(student=student):
        picks = response.picks()
        kept = [p for p in picks if p.chosen_id != student.pk]
        if len(kept) != len(picks):
            response.answers = encode_picks(kept)
            response.save(update_fields=["answers"])
    Response.objects.filter(student=student).delete()
    Member.objects.filter(student=student).delete()


def register() -> None:
    personal_data.register_export(SECTION, sociometric_choices, models=[Member, Response], order=80)
    personal_data.register_erasure("sociometry.choices", erase, models=[Member, Response])
    personal_data.register_not_exported(
        [Survey, Criterion],
        "The counselor's survey and its questions; the student's part of it (membership, answers) is exported.",
    )
    personal_data.register_not_erased(
        [Survey, Criterion], "The school's surveys, made by staff; the student's membership and choices go."
    )
