"""Access rules for the student database (himpunan data): who sees which student and which part of
the record, who edits, imports, exports and erases."""

from ekonseling.accounts.models import COUNSELOR_ROLES, Role
from ekonseling.core.policy import has_role, rule, scope

from . import caseload

STUDENT_LISTERS = (Role.OPERATOR, Role.KOORDINATOR_BK, Role.GURU_BK, Role.WALI_KELAS)


@rule("student.view")
def _student_view(user, student=None):
    """Basic data: identity and rombel."""
    if student is None:
        return user.role in STUDENT_LISTERS or user.role == Role.SISWA
    if user.role in (Role.OPERATOR, Role.KOORDINATOR_BK):
        return True
    if user.role == Role.GURU_BK:
        return caseload.in_caseload(user, student)
    if user.role == Role.WALI_KELAS:
        return student.rombel_id is not None and student.rombel.wali_kelas_id == user.pk
    if user.role == Role.SISWA:
        return student.user_id == user.pk
    return False


@rule("student.list")
def _student_list(user, obj=None):
    return user.role in STUDENT_LISTERS


@rule("student.view_record")
def _student_view_record(user, student=None):
    """The whole buku pribadi (address, family, living situation): not for the wali kelas."""
    if user.role not in (Role.OPERATOR, *COUNSELOR_ROLES, Role.SISWA):
        return False
    return student is None or _student_view(user, student)


@rule("student.view_health", "student.view_counseling")
def _student_view_health(user, student=None):
    # Health notes are specific personal data: counselors of the student and the student.
    if user.role not in (*COUNSELOR_ROLES, Role.SISWA):
        return False
    return student is None or _student_view(user, student)


@rule("student.edit")
def _student_edit(user, student=None):
    if user.role not in (Role.OPERATOR, *COUNSELOR_ROLES):
        return False
    return student is None or _student_view(user, student)


@rule("student.edit_health", "student.flag", "student.view_changes", "student.reset_password")
def _student_counsel(user, student=None):
    if user.role == Role.OPERATOR:
        return False
    if user.role not in COUNSELOR_ROLES:
        return False
    return student is None or _student_view(user, student)


@rule("student.edit_own")
def _student_edit_own(user, student=None):
    return user.role == Role.SISWA and (student is None or student.user_id == user.pk)


@rule("student.export_personal_data")
def _student_export_personal(user, student=None):
    # UU PDP right of access: the operator and coordinator answer requests; a student takes their own.
    if user.role in (Role.OPERATOR, Role.KOORDINATOR_BK):
        return True
    return user.role == Role.SISWA and (student is None or student.user_id == user.pk)


rule("student.request_deletion")(has_role(Role.OPERATOR, Role.KOORDINATOR_BK))
rule("student.carry_out_deletion", "student.import", "rombel.promote")(has_role(Role.OPERATOR))
rule("caseload.manage")(has_role(Role.OPERATOR, Role.KOORDINATOR_BK))


@rule("rombel.export")
def _rombel_staff(user, rombel=None):
    """Export a rombel: operator, coordinator, and the rombel's own counselors."""
    if user.role in (Role.OPERATOR, Role.KOORDINATOR_BK):
        return True
    if user.role != Role.GURU_BK:
        return False
    return rombel is None or caseload.serves_rombel(user, rombel)


@rule("rombel.manage_accounts")
def _rombel_accounts(user, rombel=None):
    """Create student logins and print their cards: the coordinator and the rombel's own counselors.
    Not the operator: whoever holds a card can sign in as the student first, and a student account
    reads the student's health notes and instrument results, which the operator may not."""
    if user.role == Role.OPERATOR:
        return False
    return _rombel_staff(user, rombel)


@scope(
    "student.view",
    "student.list",
    "student.view_record",
    "student.view_health",
    "student.edit",
    "student.view_changes",
    "student.reset_password",
    "student.export_personal_data",
)
def _student_scope(user, queryset):
    if user.role in (Role.OPERATOR, Role.KOORDINATOR_BK):
        return queryset
    if user.role == Role.GURU_BK:
        return queryset.filter(caseload.caseload_q(user))
    if user.role == Role.WALI_KELAS:
        return queryset.filter(rombel__wali_kelas=user)
    if user.role == Role.SISWA:
        return queryset.filter(user=user)
    return queryset.none()


@scope("rombel.manage_accounts", "rombel.export")
def _rombel_scope(user, queryset):
    if user.role == Role.GURU_BK:
        return queryset.filter(pk__in=caseload.rombels_of(user))
    return queryset


# Home-page cards of the student database, by role.
rule("home.caseload")(has_role(*COUNSELOR_ROLES))
rule("home.homeroom")(has_role(Role.WALI_KELAS))
rule("home.school_summary")(has_role(Role.KEPALA_SEKOLAH, Role.OPERATOR))
