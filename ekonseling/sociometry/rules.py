"""Access rules for sociometry.

Whom a student chose and rejected is among the most sensitive things a class tells its guru BK:
only the counselors of the survey's rombel (the guru BK assigned to it) and the koordinator BK see
any choice, index or sociogram (`sociometry.manage`); the student page's section follows the same
rule for the student's rombel (`sociometry.view_student`). A student fills in their own response
while the survey is open (`sociometry.fill`) and sees only the choices they made, never who chose
them. Wali kelas, principal and operator see none of it.
"""

from ekonseling.accounts.models import COUNSELOR_ROLES, Role
from ekonseling.core.policy import rule, scope
from ekonseling.students import caseload

rule("sociometry.create")(lambda user, obj=None: user.role in COUNSELOR_ROLES)


def serves_rombel(user, rombel_id) -> bool:
    if user.role == Role.KOORDINATOR_BK:
        return True
    if user.role != Role.GURU_BK or rombel_id is None:
        return False
    return caseload.rombels_of(user).filter(rombel_id=rombel_id).exists()


@rule("sociometry.manage")
def _manage(user, survey=None):
    if user.role not in COUNSELOR_ROLES:
        return False
    return survey is None or serves_rombel(user, survey.rombel_id)


@scope("sociometry.manage")
def _manage_scope(user, queryset):
    if user.role == Role.KOORDINATOR_BK:
        return queryset
    if user.role == Role.GURU_BK:
        return queryset.filter(rombel_id__in=caseload.rombel_ids(user))
    return queryset.none()


@rule("sociometry.view_student")
def _view_student(user, student=None):
    """The student page's section: the counselors of the student's rombel, the koordinator BK.
    (The rombel's counselors as the student page prefetches them: no query of its own there.)"""
    if user.role not in COUNSELOR_ROLES:
        return False
    if student is None or user.role == Role.KOORDINATOR_BK:
        return True
    return student.rombel_id is not None and any(c.pk == user.pk for c in student.rombel.counselors.all())


@rule("sociometry.fill")
def _fill(user, survey=None):
    """A student answers a survey they are a member of (the window is the action's to check)."""
    if user.role != Role.SISWA:
        return False
    if survey is None:
        return True
    return survey.members.filter(student__user=user).exists()


@scope("sociometry.fill")
def _fill_scope(user, queryset):
    if user.role == Role.SISWA:
        return queryset.filter(members__student__user=user)
    return queryset.none()
