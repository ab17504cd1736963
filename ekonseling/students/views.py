from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from ekonseling.accounts.models import COUNSELOR_ROLES, Role, User
from ekonseling.core import audit, policy, registry, text

from . import home, profile
from .models import AttendanceSummary, Enrollment, Rombel, Student

STATUSES = [*Student.Status.choices, ("all", _("All statuses"))]

# Flags: (value, label, the role-level action needed to see and filter it, the filter).
# needs_attention is a counselor's judgement and special needs are health data (ciphertext, but
# an empty value stays empty, so "has any" is a valid SQL question); living situation is record data.
FLAGS = [
    ("attention", _("Needs attention"), "student.flag", Q(needs_attention=True)),
    ("special_needs", _("Has special needs"), "student.view_health", ~Q(special_needs="")),
    ("no_account", _("No account yet"), "student.list", Q(user__isnull=True)),
    (
        "not_with_parents",
        _("Not living with parents"),
        "student.view_record",
        ~Q(living_with="") & ~Q(living_with__icontains="orang tua"),
    ),
]


def _by_rombel(user_id):
    return Q(Exists(Rombel.counselors.through.objects.filter(rombel_id=OuterRef("rombel_id"), user_id=user_id)))


def _individually(user_id):
    return Q(Exists(Student.counselors.through.objects.filter(student_id=OuterRef("pk"), user_id=user_id)))


def _caseload_choices(user):
    """Who a caseload filter may name: a coordinator or operator picks any counselor; a guru BK
    separates their rombel from their individually assigned students."""
    if policy.can(user, "caseload.manage"):
        counselors = User.objects.filter(school_id=user.school_id, role__in=COUNSELOR_ROLES, is_active=True)
        return [(str(c.pk), c.display_name) for c in counselors.order_by("full_name", "username")]
    if user.role == Role.GURU_BK:
        return [("rombel", _("My rombel")), ("individual", _("Assigned to me individually"))]
    return []


def _filter_caseload(students, user, value, choices):
    if value not in {v for v, _label in choices}:
        return students
    if value == "rombel":
        return students.filter(_by_rombel(user.pk))
    if value == "individual":
        return students.filter(_individually(user.pk))
    return students.filter(_by_rombel(int(value)) | _individually(int(value)))


def _exportable_rombel(user, pk):
    """The filtered rombel, when the user may export it (one query, only with a rombel filter)."""
    if not policy.can(user, "rombel.export"):
        return None
    rombel = policy.visible(user, "rombel.export", Rombel.objects.all()).filter(pk=pk).first()
    return rombel if rombel is not None and policy.can(user, "rombel.export", rombel) else None


@policy.require("student.list")
def student_list(request):
    user, params = request.user, request.GET
    students = policy.visible(user, "student.list", Student.objects.select_related("rombel"))
    status = params.get("status") or Student.Status.ACTIVE
    if status in Student.Status.values:
        students = students.filter(status=status)
    rombels = Rombel.objects.filter(pk__in=students.values("rombel")).order_by("grade", "name")
    q = text.clean(params.get("q", "")).strip()[:100]  # NUL cannot reach PostgreSQL
    if q:
        students = students.filter(Q(name__icontains=q) | Q(nisn__startswith=q))
    export_rombel = None
    if params.get("rombel", "").isdigit():
        students = students.filter(rombel_id=int(params["rombel"]))
        export_rombel = _exportable_rombel(user, int(params["rombel"]))
    if params.get("sex") in Student.Sex.values:
        students = students.filter(sex=params["sex"])
    caseload_choices = _caseload_choices(user)
    students = _filter_caseload(students, user, params.get("caseload", ""), caseload_choices)
    flags = [(value, label, q_) for value, label, action, q_ in FLAGS if policy.can(user, action)]
    for value, _label, condition in flags:
        if params.get("flag") == value:
            students = students.filter(condition)
    page = Paginator(students.order_by("name", "pk"), 50).get_page(params.get("page"))
    context = {
        "page": page,
        "rombels": rombels,
        "query": params,
        "status": status,
        "statuses": STATUSES,
        "caseload_choices": caseload_choices,
        "flags": [(value, label) for value, label, _q in flags],
        "show_flags": policy.can(user, "student.flag"),
        "export_rombel": export_rombel,
    }
    template = "students/_table.html" if request.htmx else "students/list.html"
    return render(request, template, context)


@policy.require("student.view")
def student_detail(request, pk):
    user = request.user
    student = policy.get_object_or_404(
        user,
        "student.view",
        Student.objects.select_related("rombel__wali_kelas", "rombel__academic_year").prefetch_related(
            "rombel__counselors", "counselors"
        ),
        pk=pk,
    )
    may = {
        "record": policy.can(user, "student.view_record", student),
        "health": policy.can(user, "student.view_health", student),
        "flag": policy.can(user, "student.flag", student),
        "edit": policy.can(user, "student.edit", student),
        "export": policy.can(user, "student.export_personal_data", student),
        "request_deletion": policy.can(user, "student.request_deletion", student),
        "export_rombel": student.rombel_id is not None and policy.can(user, "rombel.export", student.rombel),
        "view_changes": policy.can(user, "student.view_changes", student),
        "reset_password": student.user_id is not None and policy.can(user, "student.reset_password", student),
    }
    context = {"student": student, "may": may}
    if may["record"]:
        context["guardians"] = list(student.guardians.all())
        context["enrollments"] = list(
            Enrollment.objects.filter(student=student)
            .select_related("academic_year")
            .order_by("-academic_year__starts_on")
        )
        context["attendance"] = list(
            AttendanceSummary.objects.filter(student=student)
            .select_related("semester__academic_year")
            .order_by("-semester__academic_year__starts_on", "-semester__number")
        )
        context["individual_counselors"] = list(student.counselors.all())
    if may["view_changes"]:
        context["unseen_changes"] = profile.unseen_changes(student).count()
    if may["health"]:
        context["health"] = audit.read_confidential(request, student, "health_notes", "special_needs")
    # Sections the other apps registered (counseling history, instrument results, ...).
    context["sections"] = registry.student_sections(request, student)
    return render(request, "students/detail.html", context)


@policy.require("school.aggregates")
def summary(request):
    return render(request, "students/summary.html", home.school_summary(request.user.school))
