"""Access rules for instruments: the library, administrations, answers, results and imports."""

from django.db.models import Exists, OuterRef, Q

from ekonseling.accounts.models import COUNSELOR_ROLES, Role
from ekonseling.core.policy import has_role, rule, scope
from ekonseling.students import caseload

# Answers to BK instruments are counseling content: the student who gave them and the counselors who
# serve that student read them. An administration belongs to the counselor who opened it and the
# coordinator; a guru BK who serves one of its rombel sees it too (the class profile is theirs to
# use). Wali kelas, principal and operator see none of it.

rule("instrument.library", "administration.create")(has_role(*COUNSELOR_ROLES))


def _administration_counselor(user, administration):
    if user.role == Role.KOORDINATOR_BK:
        return True
    if user.role != Role.GURU_BK:
        return False
    if administration.created_by_id == user.pk:
        return True
    return administration.rombels.filter(pk__in=caseload.rombels_of(user)).exists()


@rule("administration.manage")
def _administration_manage(user, administration=None):
    if user.role not in COUNSELOR_ROLES:
        return False
    return administration is None or _administration_counselor(user, administration)


@scope("administration.manage")
def _administration_scope(user, queryset):
    if user.role == Role.KOORDINATOR_BK:
        return queryset
    if user.role == Role.GURU_BK:
        Through = queryset.model.rombels.through
        serves = Through.objects.filter(administration_id=OuterRef("pk"), rombel_id__in=caseload.rombel_ids(user))
        return queryset.filter(Q(created_by=user) | Q(Exists(serves)))
    return queryset.none()


@rule("assignment.view")
def _assignment_view(user, obj=None):
    """One student's answers: the counselors who serve the student."""
    if user.role not in COUNSELOR_ROLES:
        return False
    if obj is None:
        return True
    return caseload.serves(user, obj.student)


@rule("assignment.fill")
def _assignment_fill(user, assignment=None):
    return user.role == Role.SISWA and (assignment is None or assignment.student.user_id == user.pk)


@rule("assignment.view_own_result")
def _assignment_own_result(user, assignment=None):
    """A student sees their results only after the counselor releases them."""
    if user.role != Role.SISWA:
        return False
    if assignment is None:
        return True
    return (
        assignment.student.user_id == user.pk
        and assignment.status == "submitted"
        and assignment.administration.released_at is not None
    )


@scope("assignment.view")
def _assignment_scope(user, queryset):
    if user.role == Role.KOORDINATOR_BK:
        return queryset
    if user.role == Role.GURU_BK:
        return queryset.filter(student__in=caseload.caseload(user))
    return queryset.none()


@scope("assignment.fill", "assignment.view_own_result")
def _own_assignment_scope(user, queryset):
    if user.role == Role.SISWA:
        return queryset.filter(student__user=user)
    return queryset.none()


@rule("answer_import.use")
def _answer_import_use(user, answer_import=None):
    """A pending answer import: its uploader, and every counselor allowed on its administration who
    serves each student its rows would write (a coordinator serves everyone), so a colleague can
    check and confirm what was uploaded; only while they manage the administration."""
    if user.role not in COUNSELOR_ROLES:
        return False
    if answer_import is None:
        return True
    if not _administration_manage(user, answer_import.administration):
        return False
    if answer_import.uploaded_by_id == user.pk or user.role == Role.KOORDINATOR_BK:
        return True
    ids = (answer_import.summary or {}).get("assignments")
    if not isinstance(ids, list) or not ids:
        return False  # a preview that writes nobody's sheet stays its uploader's
    served = answer_import.administration.assignments.filter(pk__in=ids, student__in=caseload.caseload(user)).count()
    return served == len(set(ids))


@scope("answer_import.use")
def _answer_import_scope(user, queryset):
    """The pending imports of administrations the user manages (the rule then checks the students)."""
    if user.role == Role.KOORDINATOR_BK:
        return queryset
    if user.role == Role.GURU_BK:
        Through = queryset.model.administration.field.related_model.rombels.through
        serves = Through.objects.filter(
            administration_id=OuterRef("administration_id"), rombel_id__in=caseload.rombels_of(user)
        )
        return queryset.filter(Q(uploaded_by=user) | Q(administration__created_by=user) | Q(Exists(serves)))
    return queryset.none()
