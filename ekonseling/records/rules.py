"""Access rules for service records, Laiseg, reports and dashboards.

A service record is read (notes included) by the counselor who wrote it, by a guru BK whose
caseload holds a student who took part, and by the koordinator BK. Wali kelas, operator and the
principal never read a record: the principal sees aggregates only (`records.principal_dashboard`).
"""

from django.db.models import Exists, OuterRef, Q

from ekonseling.accounts.models import COUNSELOR_ROLES, Role
from ekonseling.core.policy import has_role, rule, scope
from ekonseling.students import caseload

rule("service_record.list", "service_record.create", "records.reports", "records.dashboard", "laiseg.results")(
    has_role(*COUNSELOR_ROLES)
)
rule("records.principal_dashboard")(has_role(Role.KEPALA_SEKOLAH, Role.KOORDINATOR_BK))
rule("records.principal_home")(has_role(Role.KEPALA_SEKOLAH))


def _in_reach(user, record):
    """Does a student who took part belong to the guru BK's caseload?"""
    from ekonseling.students.models import Student

    return Student.objects.filter(caseload.caseload_q(user), service_participations__record=record).exists()


@rule("service_record.view")
def _record_view(user, record=None):
    if user.role not in COUNSELOR_ROLES:
        return False
    if record is None or user.role == Role.KOORDINATOR_BK:
        return True
    return record.counselor_id == user.pk or _in_reach(user, record)


@rule("service_record.edit")
def _record_edit(user, record=None):
    """The counselor who wrote it, or the koordinator BK."""
    if user.role not in COUNSELOR_ROLES:
        return False
    return record is None or user.role == Role.KOORDINATOR_BK or record.counselor_id == user.pk


@scope("service_record.view")
def _record_scope(user, queryset):
    if user.role == Role.KOORDINATOR_BK:
        return queryset
    if user.role == Role.GURU_BK:
        from .models import Participation

        reached = Participation.objects.filter(record_id=OuterRef("pk"), student__in=caseload.caseload(user))
        return queryset.filter(Q(counselor=user) | Q(Exists(reached)))
    return queryset.none()


@rule("laiseg.answer")
def _laiseg_answer(user, laiseg=None):
    if user.role != Role.SISWA:
        return False
    return laiseg is None or (laiseg.student.user_id == user.pk and laiseg.answered_at is None)


@scope("laiseg.answer")
def _laiseg_scope(user, queryset):
    return queryset.filter(student__user=user, answered_at__isnull=True)


@rule("records.student_services")
def _student_services(user, student=None):
    """The student page's service section: the counselors who serve the student."""
    if user.role not in COUNSELOR_ROLES:
        return False
    return student is None or caseload.serves(user, student)
