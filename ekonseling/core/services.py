from django.db.models import Count, Q

from ekonseling.accounts.models import Role


def home_context(user):
    from ekonseling.students.models import Rombel, Student

    from . import policy

    context = {"school": user.school}
    if user.role == Role.SISWA:
        context["student"] = Student.objects.filter(user=user).select_related("rombel").first()
    elif user.role in (Role.GURU_BK, Role.KOORDINATOR_BK):
        rombels = Rombel.objects.filter(school=user.school, academic_year__is_current=True)
        if user.role == Role.GURU_BK:
            rombels = rombels.filter(counselors=user)
        context["rombels"] = rombels.annotate(student_count=Count("students")).select_related("wali_kelas")
        context["student_count"] = policy.visible(user, "student.view", Student.objects.all()).count()
    elif user.role == Role.WALI_KELAS:
        context["rombels"] = Rombel.objects.filter(wali_kelas=user).annotate(student_count=Count("students"))
    elif user.role in (Role.KEPALA_SEKOLAH, Role.OPERATOR):
        context.update(school_summary(user.school))
    return context


def school_summary(school):
    """Counts only: the principal's view of the school never names a student."""
    from ekonseling.students.models import Rombel, Student

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
