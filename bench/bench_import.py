"""Import of a 2,000-student Dapodik export: preview, confirm, and the same file again (goal: under 10 s)."""

import time

from ekonseling.accounts.models import Role, User
from ekonseling.core.models import School
from ekonseling.students import imports
from ekonseling.students.models import AcademicYear, Student
from tests.students import dapodik

STUDENTS = 2000


def _timed(label, fn, what):
    started = time.perf_counter()
    result = fn()
    print(f"  {label}: {time.perf_counter() - started:.2f} s  ({what})", flush=True)
    return result


def run():
    school = School.objects.create(name="SMA Bench Impor", slug="sma-bench-impor")
    current = AcademicYear.objects.get(school__slug="sman1-harapan", is_current=True)
    AcademicYear.objects.create(
        school=school, name=current.name, starts_on=current.starts_on, ends_on=current.ends_on, is_current=True
    )
    operator = User.objects.create_user("bench-operator", password="x", school=school, role=Role.OPERATOR)
    content = _timed(
        "generate file",
        lambda: dapodik.dapodik_xlsx([dapodik.student(n) for n in range(1, STUDENTS + 1)]),
        f"{STUDENTS} rows, Dapodik layout",
    )
    print(f"  file size: {len(content) / 1024:.0f} KiB")
    started = time.perf_counter()
    batch = _timed(
        "preview", lambda: imports.preview(school, content, "dapodik.xlsx", operator), "parse, validate, diff"
    )
    _timed("confirm", lambda: imports.apply(batch, operator), "one transaction")
    print(f"  preview + confirm: {time.perf_counter() - started:.2f} s  (goal: under 10 s on PostgreSQL)")
    print(f"  students written: {Student.objects.filter(school=school).count()}  summary: {batch.summary}")
    again = _timed(
        "preview again", lambda: imports.preview(school, content, "dapodik.xlsx", operator), "same file: all unchanged"
    )
    _timed("confirm again", lambda: imports.apply(again, operator), "writes nothing")
    print(f"  second summary: {again.summary}")
