"""Who serves a student: the one answer the alerts (chat risk, instrument critical items) share.

A guru BK serves a student through the student's rombel or an individual assignment (the
`counselors` of `Rombel` and `Student`); the school's koordinator BK oversees every student. Only
active accounts of the student's own school count: an alert must not reach someone who left, or
another school, just because an old assignment still names them.
"""

from django.db.models import Exists, OuterRef

from ekonseling.accounts.models import Role, User

from .models import Rombel, Student


def coordinators(school_id):
    """The school's active koordinator BK, in a stable order."""
    return User.objects.filter(school_id=school_id, role=Role.KOORDINATOR_BK, is_active=True).order_by("pk")


def serving_guru_bk(student):
    """The active guru BK of the student's school whose caseload holds the student, in one query."""
    serves = Exists(Student.counselors.through.objects.filter(student_id=student.pk, user_id=OuterRef("pk")))
    if student.rombel_id is not None:
        serves |= Exists(Rombel.counselors.through.objects.filter(rombel_id=student.rombel_id, user_id=OuterRef("pk")))
    return User.objects.filter(serves, school_id=student.school_id, role=Role.GURU_BK, is_active=True).order_by("pk")


def once(*groups):
    """Users of several lists in order, each once: a coordinator who also serves is told once."""
    seen, users = set(), []
    for group in groups:
        for user in group:
            if user.pk not in seen:
                seen.add(user.pk)
                users.append(user)
    return users


def serving_counselors(student):
    """The guru BK who serve the student, then the coordinators: who must hear of an alert."""
    return once(serving_guru_bk(student), coordinators(student.school_id))
