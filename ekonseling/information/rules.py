"""Access rules for the information service.

Counselors write articles (the author and the koordinator change one) and see read counts per
rombel. A student reads the live articles addressed to them (school, their grade, their rombel) and
nothing else: another article's URL is a 404.
"""

from ekonseling.accounts.models import COUNSELOR_ROLES, Role
from ekonseling.core.policy import has_role, rule, scope

rule("information.manage")(has_role(*COUNSELOR_ROLES))
rule("information.my")(has_role(Role.SISWA))


@rule("information.edit")
def _edit(user, article=None):
    if user.role not in COUNSELOR_ROLES:
        return False
    return article is None or user.role == Role.KOORDINATOR_BK or article.author_id == user.pk


@rule("information.read")
def _read(user, article=None):
    if user.role != Role.SISWA:
        return False
    if article is None:
        return True
    from .services import addressed

    return addressed(user).filter(pk=article.pk).exists()


@scope("information.read")
def _read_scope(user, queryset):
    from .services import addressed

    return queryset.filter(pk__in=addressed(user).values("pk"))


@scope("information.manage")
def _manage_scope(user, queryset):
    return queryset if user.role in COUNSELOR_ROLES else queryset.none()


@rule("information.media")
def _media(user, item=None):
    """An article's file: the counselors, and the students the live article is addressed to."""
    if user.role in COUNSELOR_ROLES:
        return item is None or item.school_id == user.school_id
    if user.role != Role.SISWA:
        return False
    return item is None or _read(user, item.article)


# --- live polls --------------------------------------------------------------------------------------
# The counselor runs a poll with a rombel they serve (the koordinator with any); the students of
# that rombel answer it while it is open and see its counts; nobody sees who answered what.


@rule("poll.run")
def _poll_run(user, poll=None):
    if user.role not in COUNSELOR_ROLES:
        return False
    if poll is None:
        return True
    if poll.school_id != user.school_id:
        return False
    from ekonseling.students import caseload

    return user.role == Role.KOORDINATOR_BK or caseload.serves_rombel(user, poll.rombel)


def _student_in(user, poll) -> bool:
    from ekonseling.students.models import Student

    return Student.objects.filter(
        user=user, status=Student.Status.ACTIVE, rombel_id=poll.rombel_id, school_id=poll.school_id
    ).exists()


@rule("poll.answer")
def _poll_answer(user, poll=None):
    if user.role != Role.SISWA:
        return False
    return poll is None or (poll.is_open and _student_in(user, poll))


@rule("poll.results")
def _poll_results(user, poll=None):
    if user.role in COUNSELOR_ROLES:
        return _poll_run(user, poll)
    if user.role != Role.SISWA:
        return False
    return poll is None or _student_in(user, poll)
