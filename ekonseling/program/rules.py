"""Access rules for the BK program.

The program is the school's BK plan: every counselor (guru BK, koordinator BK) reads it; the
counselor who drafted it and the koordinator change it. Its realisation links service records a
counselor may read. The principal (and the koordinator) see the realisation recap: counts of
planned and done items by bidang and month, no topic and no record.
"""

from ekonseling.accounts.models import COUNSELOR_ROLES, Role
from ekonseling.core.policy import has_role, rule, scope

rule("program.list", "program.create", "program.view")(has_role(*COUNSELOR_ROLES))
rule("program.recap")(has_role(Role.KEPALA_SEKOLAH, Role.KOORDINATOR_BK))


@scope("program.view")
def _program_scope(user, queryset):
    return queryset if user.role in COUNSELOR_ROLES else queryset.none()


@rule("program.edit")
def _program_edit(user, program=None):
    if user.role not in COUNSELOR_ROLES:
        return False
    return program is None or user.role == Role.KOORDINATOR_BK or program.created_by_id == user.pk
