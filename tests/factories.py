"""Plain factory functions for test data: each makes one valid row with overridable fields."""

import datetime
import itertools

from ekonseling.accounts.models import Role, User
from ekonseling.core.models import School
from ekonseling.students.models import AcademicYear, Rombel, Student

PASSWORD = "test-Sandi-2026"
_seq = itertools.count(1)


def school(**fields):
    n = next(_seq)
    fields.setdefault("name", f"SMA Uji {n}")
    fields.setdefault("slug", f"sma-uji-{n}")
    return School.objects.create(**fields)


def user(school, role, *, username=None, password=PASSWORD, **fields):
    username = username or f"{role}-{next(_seq)}"
    u = User(username=username, school=school, role=role, full_name=fields.pop("full_name", username), **fields)
    u.set_password(password)
    u.save()
    return u


def academic_year(school, **fields):
    fields.setdefault("name", "2026/2027")
    fields.setdefault("starts_on", datetime.date(2026, 7, 13))
    fields.setdefault("ends_on", datetime.date(2027, 6, 30))
    fields.setdefault("is_current", True)
    return AcademicYear.objects.create(school=school, **fields)


def rombel(school, *, year=None, counselors=(), **fields):
    year = year or AcademicYear.objects.filter(school=school, is_current=True).first() or academic_year(school)
    fields.setdefault("name", f"X-{next(_seq)}")
    fields.setdefault("grade", 10)
    r = Rombel.objects.create(school=school, academic_year=year, **fields)
    r.counselors.add(*counselors)
    return r


def student(school, *, rombel=None, **fields):
    n = next(_seq)
    fields.setdefault("nisn", f"{n:010d}")
    fields.setdefault("name", f"Siswa {n}")
    fields.setdefault("sex", "L" if n % 2 else "P")
    return Student.objects.create(school=school, rombel=rombel, **fields)


class SchoolWorld:
    """One school with a user of every role, two rombel and students in each.

    gurubk counsels rombel_a; walikelas is homeroom of rombel_a; siswa is the first student of
    rombel_a; rombel_b belongs to nobody's caseload but the coordinator's.
    """

    def __init__(self, name="SMA Uji"):
        self.school = school(name=name)
        self.operator = user(self.school, Role.OPERATOR)
        self.koordinator = user(self.school, Role.KOORDINATOR_BK)
        self.gurubk = user(self.school, Role.GURU_BK)
        self.gurubk_other = user(self.school, Role.GURU_BK)
        self.walikelas = user(self.school, Role.WALI_KELAS)
        self.kepsek = user(self.school, Role.KEPALA_SEKOLAH)
        self.rombel_a = rombel(self.school, name="X-A", counselors=[self.gurubk], wali_kelas=self.walikelas)
        self.rombel_b = rombel(self.school, name="X-B", counselors=[self.gurubk_other])
        self.siswa = user(self.school, Role.SISWA)
        self.student = student(self.school, rombel=self.rombel_a, user=self.siswa, health_notes="Asma ringan.")
        self.classmate = student(self.school, rombel=self.rombel_a)
        self.other_student = student(self.school, rombel=self.rombel_b, health_notes="Alergi.")

    def by_role(self):
        return {
            Role.OPERATOR: self.operator,
            Role.KOORDINATOR_BK: self.koordinator,
            Role.GURU_BK: self.gurubk,
            Role.WALI_KELAS: self.walikelas,
            Role.KEPALA_SEKOLAH: self.kepsek,
            Role.SISWA: self.siswa,
        }
