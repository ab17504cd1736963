"""Who serves a student: the one answer the policy rules, the alerts (chat risk, instrument critical
items), the letters and the lists share. A declared interface: other apps import this module, not
the caseload tables.

A guru BK serves a student through the student's rombel or an individual assignment (the
`counselors` of `Rombel` and `Student`); the school's koordinator BK oversees every student. Only
active accounts of the student's own school count: an alert must not reach someone who left, or
another school, just because an old assignment still names them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Value

from ekonseling.accounts.models import Role, User
from ekonseling.core import audit, memo, realtime

from .models import AcademicYear, Rombel, Student

MEMO = "caseload"


def _assigned(user: User, *, only_known: bool = False) -> tuple[frozenset[int], frozenset[int]] | None:
    """(rombel ids, individually assigned student ids) of `user`, read once per HTTP request (one
    query) and kept for the request's life (`core.memo`); None outside a request. Every write to the
    assignments calls `changed()`, which drops it."""
    return memo.remember(MEMO, user.pk, lambda: _load_assigned(user.pk), only_known=only_known)


def _load_assigned(user_id: int) -> tuple[frozenset[int], frozenset[int]]:
    by_rombel = Rombel.counselors.through.objects.filter(user_id=user_id).values_list(Value(0), "rombel_id")
    individually = Student.counselors.through.objects.filter(user_id=user_id).values_list(Value(1), "student_id")
    rows = list(by_rombel.union(individually, all=True))
    return frozenset(pk for kind, pk in rows if kind == 0), frozenset(pk for kind, pk in rows if kind == 1)


def changed() -> None:
    """The assignments changed: the request's remembered caseloads are out of date."""
    memo.forget(MEMO)


def in_caseload(user: User, student: Student) -> bool:
    """The in-memory check: does `user` serve `student` through their rombel or individually?
    Uses the caller's `mark_in_caseload`, the request's remembered caseload, or the caller's
    prefetch of `rombel__counselors` and `counselors`, in that order; else the user's assignments,
    read in one query (outside a request: a socket asking the policy about one conversation)."""
    known = getattr(student, "_caseload_of", None)
    if known is not None and known[0] == user.pk:
        return known[1]
    # A prefetch answers without a query: use it unless the caseload is already remembered.
    prefetched = "counselors" in getattr(student, "_prefetched_objects_cache", {})
    assigned = _assigned(user, only_known=prefetched)
    if assigned is None and not prefetched:
        assigned = _load_assigned(user.pk)
    if assigned is not None:
        return student.rombel_id in assigned[0] or student.pk in assigned[1]
    if student.rombel_id is not None and any(c.pk == user.pk for c in student.rombel.counselors.all()):
        return True
    return any(c.pk == user.pk for c in student.counselors.all())


def mark_in_caseload(user: User, student: Student) -> None:
    """Records that `user` serves `student`, when the caller already knows it (a row their caseload
    scope let through): `in_caseload` then answers without the rombel's and student's counselors."""
    student._caseload_of = (user.pk, True)


def caseload_q(user: User) -> Q:
    """The query expression: the students `user` serves through their rombel or individually. In an
    HTTP request, from the remembered assignments (plain id lists: cheaper to build and to run than
    the correlated subqueries)."""
    assigned = _assigned(user)
    if assigned is not None:
        rombels, students = assigned
        return Q(rombel_id__in=sorted(rombels)) | Q(pk__in=sorted(students))
    by_rombel = Rombel.counselors.through.objects.filter(rombel_id=OuterRef("rombel_id"), user_id=user.pk)
    individually = Student.counselors.through.objects.filter(student_id=OuterRef("pk"), user_id=user.pk)
    return Q(Exists(by_rombel)) | Q(Exists(individually))


def caseload(user: User) -> QuerySet:
    """The students `user` serves (a queryset of ids, for `student__in=`)."""
    return Student.objects.filter(caseload_q(user)).values("pk")


def rombels_of(user: User) -> QuerySet:
    """The ids of the rombel `user` serves (a queryset of ids, for `rombel_id__in=`)."""
    return Rombel.counselors.through.objects.filter(user_id=user.pk).values("rombel_id")


def rombel_ids(user: User) -> list[int] | QuerySet:
    """The ids of the rombel `user` serves, for `rombel_id__in=` only: in an HTTP request the
    remembered assignments (a plain list, as `caseload_q`: no subquery to build or plan), else
    `rombels_of`."""
    assigned = _assigned(user)
    if assigned is not None:
        return sorted(assigned[0])
    return rombels_of(user)


def serves_rombel(user: User, rombel: Rombel) -> bool:
    assigned = _assigned(user)
    if assigned is not None:
        return rombel.pk in assigned[0]
    return rombel.counselors.filter(pk=user.pk).exists()


def serves(user: User, student: Student) -> bool:
    """A counselor who may act on the student's counseling matters: the school's koordinator BK, or a
    guru BK whose caseload holds the student."""
    return user.role == Role.KOORDINATOR_BK or (user.role == Role.GURU_BK and in_caseload(user, student))


def coordinators(school_id: int) -> QuerySet[User]:
    """The school's active koordinator BK, in a stable order."""
    return User.objects.filter(school_id=school_id, role=Role.KOORDINATOR_BK, is_active=True).order_by("pk")


def serving_guru_bk(student: Student) -> QuerySet[User]:
    """The active guru BK of the student's school whose caseload holds the student, in one query."""
    serves = Exists(Student.counselors.through.objects.filter(student_id=student.pk, user_id=OuterRef("pk")))
    if student.rombel_id is not None:
        serves |= Exists(Rombel.counselors.through.objects.filter(rombel_id=student.rombel_id, user_id=OuterRef("pk")))
    return User.objects.filter(serves, school_id=student.school_id, role=Role.GURU_BK, is_active=True).order_by("pk")


def once(*groups: Iterable[User]) -> list[User]:
    """Users of several lists in order, each once: a coordinator who also serves is told once."""
    seen, users = set(), []
    for group in groups:
        for user in group:
            if user.pk not in seen:
                seen.add(user.pk)
                users.append(user)
    return users


def serving_counselors(student: Student) -> list[User]:
    """The guru BK who serve the student, then the coordinators: who must hear of an alert."""
    return once(serving_guru_bk(student), coordinators(student.school_id))


# --- changes ---------------------------------------------------------------------------------------------
# Every way a caseload shrinks (the caseload page, the admin, the record form, a student moving to
# another rombel, one by one or in bulk) ends here: after the commit, the open sockets of the counselors who
# lost students re-ask the policy and drop what they may no longer see (core.realtime).


def removed(user_ids: Iterable[int | None]) -> None:
    """Counselors lost students from their caseload: tell their open sockets after the commit."""
    changed()
    user_ids = [pk for pk in user_ids if pk is not None]
    if user_ids:
        realtime.announce_access_changed(user_ids)


def rombels_left(rombel_ids: Iterable[int]) -> None:
    """Students left these rombel in bulk (a year-end step, an import): their counselors re-check."""
    removed(Rombel.counselors.through.objects.filter(rombel_id__in=list(rombel_ids)).values_list("user_id", flat=True))


def assign_rombels(pairs: Iterable[tuple[int, int]]) -> None:
    """Add (rombel id, user id) assignments."""
    through = Rombel.counselors.through
    through.objects.bulk_create([through(rombel_id=r, user_id=u) for r, u in pairs], ignore_conflicts=True)
    changed()


def unassign_rombels(pairs: Iterable[tuple[int, int]]) -> None:
    """Remove (rombel id, user id) assignments and tell the counselors' open sockets. (Django sends
    no delete signals for the rows of an auto-created m2m table, so every removal goes through here.)"""
    pairs = list(pairs)
    through = Rombel.counselors.through
    for rombel_id, user_id in pairs:
        through.objects.filter(rombel_id=rombel_id, user_id=user_id).delete()
    removed({user_id for _rombel_id, user_id in pairs})


def set_rombel_assignments(
    year: AcademicYear,
    current: set[tuple[int, int]],
    wanted: set[tuple[int, int]],
    actor: User,
    *,
    ip: str | None = None,
    user_agent: str = "",
) -> tuple[int, int]:
    """The caseload page's save: from the (rombel id, user id) pairs shown to the pairs ticked, in
    one transaction with its audit line; returns (added, removed)."""
    added, dropped = wanted - current, current - wanted
    with transaction.atomic():
        unassign_rombels(dropped)
        assign_rombels(added)
        if added or dropped:
            audit.record_for(
                actor,
                audit.Action.CHANGE,
                year,
                f"caseload by rombel: {len(added)} assignments added, {len(dropped)} removed",
                ip,
                user_agent,
            )
    return len(added), len(dropped)


def _m2m_changed(
    sender: type[models.Model],
    instance: models.Model,
    action: str,
    reverse: bool,
    model: type[models.Model],
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    if action.startswith("post_"):  # added, removed or cleared: the remembered caseloads are stale
        changed()
    if action == "post_remove":
        removed([instance.pk] if reverse else pk_set)
    elif action == "pre_clear":
        if reverse:
            removed([instance.pk])
        else:
            removed(sender.objects.filter(**{_owner_field(sender): instance.pk}).values_list("user_id", flat=True))


def _owner_field(through: type[models.Model]) -> str:
    return "rombel_id" if through is Rombel.counselors.through else "student_id"


def _remember_rombel(sender: type[Student], instance: Student, **kwargs: Any) -> None:
    instance._caseload_rombel_id = instance.__dict__.get("rombel_id")


def _student_saved(sender: type[Student], instance: Student, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, "_caseload_rombel_id", None)
    if not created and before is not None and before != instance.rombel_id:
        removed(Rombel.counselors.through.objects.filter(rombel_id=before).values_list("user_id", flat=True))
    instance._caseload_rombel_id = instance.rombel_id


def connect() -> None:
    from django.db.models.signals import m2m_changed, post_init, post_save

    for through in (Rombel.counselors.through, Student.counselors.through):
        m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"caseload.m2m.{through.__name__}")
    post_init.connect(_remember_rombel, sender=Student, dispatch_uid="caseload.remember_rombel")
    post_save.connect(_student_saved, sender=Student, dispatch_uid="caseload.student_saved")
