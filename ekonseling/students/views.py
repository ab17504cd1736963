from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from ekonseling.core import audit, policy

from .models import Rombel, Student


@policy.require("student.list")
def student_list(request):
    students = policy.visible(request.user, "student.list", Student.objects.select_related("rombel"))
    rombels = Rombel.objects.filter(pk__in=students.values("rombel")).order_by("grade", "name")
    q = request.GET.get("q", "").strip()
    if q:
        students = students.filter(Q(name__icontains=q) | Q(nisn__startswith=q))
    if request.GET.get("rombel", "").isdigit():
        students = students.filter(rombel_id=int(request.GET["rombel"]))
    if request.GET.get("sex") in Student.Sex.values:
        students = students.filter(sex=request.GET["sex"])
    page = Paginator(students.order_by("name", "pk"), 50).get_page(request.GET.get("page"))
    template = "students/_table.html" if request.htmx else "students/list.html"
    return render(request, template, {"page": page, "rombels": rombels, "query": request.GET})


@policy.require("student.view")
def student_detail(request, pk):
    student = policy.get_object_or_404(
        request.user, "student.view", Student.objects.select_related("rombel", "rombel__wali_kelas"), pk=pk
    )
    context = {"student": student}
    if policy.can(request.user, "student.view_health", student):
        context["health"] = audit.read_confidential(request, student, "health_notes", "special_needs")
    return render(request, "students/detail.html", context)
