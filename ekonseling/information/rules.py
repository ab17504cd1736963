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
