"""Access rules for the case book.

- A case is read by the counselors who handle it, the counselors it is explicitly shared with, and
  the school's koordinator BK (who oversees every case). A guru BK who serves the student but
  neither handles the case nor was given it does not see it.
- Private notes are read only by the handling and shared counselors: the koordinator reads them
  after sharing the case with themselves or taking it on, an explicit act in the audit log.
- A case is managed (status, follow-ups, visits, letters, sharing) by its handling counselors and
  the koordinator.
- A wali kelas refers students of their own rombel and sees of each referral only that it was
  received and handled; the principal, the operator and the student never see a case.
"""

from django.db.models import Exists, OuterRef, Q

from ekonseling.accounts.models import COUNSELOR_ROLES, Role
from ekonseling.core.policy import has_role, rule, scope
from ekonseling.students import caseload
from ekonseling.students.models import Student

from .models import Case, CaseShare


def handles(user, case):
    return any(c.pk == user.pk for c in case.counselors.all())


def shared_with(user, case):
    return any(s.counselor_id == user.pk for s in case.shares.all())


rule("case.list", "case.open", "referral.inbox")(has_role(*COUNSELOR_ROLES))
rule("home.cases")(has_role(*COUNSELOR_ROLES))
rule("home.referrals_sent")(has_role(Role.WALI_KELAS))


@rule("case.view")
def _case_view(user, case=None):
    if user.role not in COUNSELOR_ROLES:
        return False
    if case is None or user.role == Role.KOORDINATOR_BK:
        return True
    return handles(user, case) or shared_with(user, case)


@rule("case.read_notes", "case.write_notes")
def _case_notes(user, case=None):
    if user.role not in COUNSELOR_ROLES:
        return False
    return case is None or handles(user, case) or shared_with(user, case)


@rule("case.manage")
def _case_manage(user, case=None):
    if user.role not in COUNSELOR_ROLES:
        return False
    return case is None or user.role == Role.KOORDINATOR_BK or handles(user, case)


@rule("case.open_for")
def _case_open_for(user, student=None):
    """Open a case for this student: a counselor who serves them."""
    if user.role not in COUNSELOR_ROLES:
        return False
    return student is None or caseload.serves(user, student)


@scope("case.view", "case.list")
def _case_scope(user, queryset):
    if user.role == Role.KOORDINATOR_BK:
        return queryset
    if user.role == Role.GURU_BK:
        shared = CaseShare.objects.filter(case_id=OuterRef("pk"), counselor_id=user.pk)
        handled = Case.counselors.through.objects.filter(case_id=OuterRef("pk"), user_id=user.pk)
        return queryset.filter(Q(Exists(handled)) | Q(Exists(shared)))
    return queryset.none()


# --- referrals in ---------------------------------------------------------------------------------------


@rule("referral.create")
def _referral_create(user, student=None):
    """A wali kelas refers a student of their rombel; a counselor records one for a student they serve."""
    if user.role == Role.WALI_KELAS:
        return student is None or (student.rombel_id is not None and student.rombel.wali_kelas_id == user.pk)
    if user.role in COUNSELOR_ROLES:
        return student is None or caseload.serves(user, student)
    return False


@rule("referral.view")
def _referral_view(user, referral=None):
    """The referrer sees their own (progress only); the counselors who serve the student see all of it."""
    if referral is None:
        return user.role in (Role.WALI_KELAS, *COUNSELOR_ROLES)
    if user.role == Role.WALI_KELAS:
        return referral.referred_by_id == user.pk
    return user.role in COUNSELOR_ROLES and caseload.serves(user, referral.student)


@rule("referral.accept")
def _referral_accept(user, referral=None):
    if user.role not in COUNSELOR_ROLES:
        return False
    return referral is None or (referral.received_at is None and caseload.serves(user, referral.student))


@scope("referral.view", "referral.accept")
def _referral_scope(user, queryset):
    if user.role == Role.WALI_KELAS:
        return queryset.filter(referred_by=user)
    if user.role == Role.KOORDINATOR_BK:
        return queryset
    if user.role == Role.GURU_BK:
        # Correlated per referral (few wait at a time), not an IN over every student of the caseload.
        serves = Student.objects.filter(caseload.caseload_q(user), pk=OuterRef("student_id"))
        return queryset.filter(Exists(serves))
    return queryset.none()


# --- the student page ---------------------------------------------------------------------------------------


@rule("student.view_case_timeline")
def _timeline(user, student=None):
    """The counseling timeline: counselors (each entry filtered again), the wali kelas for their
    own referrals about a student of their rombel. Never the student, the principal or the operator."""
    if user.role in COUNSELOR_ROLES:
        return True
    if user.role == Role.WALI_KELAS:
        return student is None or (student.rombel_id is not None and student.rombel.wali_kelas_id == user.pk)
    return False
