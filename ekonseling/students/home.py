"""The student database's cards on the home page and the school summary: counts only for the
principal, the caseload for counselors, the class for the wali kelas, one's own data for a student."""

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from ekonseling.accounts.models import Role
from ekonseling.core import policy

from . import caseload
from .models import Rombel, Student


def own_record(request):
    return {"student": Student.objects.filter(user=request.user).select_related("rombel").first()}


# What a caseload row shows: the rombel's name and its wali kelas's name.
ROMBEL_ROW = (
    "id",
    "name",
    "wali_kelas",
    *(f"wali_kelas__{f}" for f in ("username", "full_name", "first_name", "last_name")),
)


def counselor_rombels(request):
    user = request.user
    rombels = Rombel.objects.filter(school_id=user.school_id, academic_year__is_current=True)
    if user.role == Role.GURU_BK:
        rombels = rombels.filter(pk__in=caseload.rombel_ids(user))
    # Each rombel's students counted in a subquery of its own (an index range per rombel) rather than
    # by grouping the joined rows of every student and wali kelas; in id order, as the grouped query
    # returned them (a GROUP BY drops the model's ordering).
    students = Student.objects.filter(rombel=OuterRef("pk")).order_by().values("rombel").annotate(n=Count("pk"))
    rombels = list(
        rombels.annotate(student_count=Coalesce(Subquery(students.values("n")), 0))
        .select_related("wali_kelas")
        .only(*ROMBEL_ROW)
        .order_by("pk")
    )
    # Each row's accounts link from one reversed URL: a koordinator's card lists every rombel of
    # the school, and reversing sixty URLs cost more than the card's queries.
    accounts_url = reverse("students:rombel_accounts", args=[_SENTINEL_PK])
    for rombel in rombels:
        rombel.accounts_url = accounts_url.replace(str(_SENTINEL_PK), str(rombel.pk))
    return {
        "rombels": rombels,
        "student_count": policy.visible(user, "student.view", Student.objects.all()).count(),
    }


_SENTINEL_PK = 987654321987


def homeroom(request):
    return {"rombels": Rombel.objects.filter(wali_kelas=request.user).annotate(student_count=Count("students"))}


def summary_card(request):
    return school_summary(request.user.school)


def school_summary(school):
    """Counts only: the principal's view of the school never names a student."""
    students = Student.objects.filter(school=school, status=Student.Status.ACTIVE)
    totals = students.aggregate(
        total=Count("id"),
        male=Count("id", filter=Q(sex="L")),
        female=Count("id", filter=Q(sex="P")),
        without_rombel=Count("id", filter=Q(rombel__isnull=True)),
    )
    rombels = (
        Rombel.objects.filter(school=school, academic_year__is_current=True)
        .annotate(
            total=Count("students"),
            male=Count("students", filter=Q(students__sex="L")),
            female=Count("students", filter=Q(students__sex="P")),
        )
        .order_by("grade", "name")
    )
    return {"school": school, "totals": totals, "rombel_rows": rombels}
