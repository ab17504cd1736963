"""Access rules for the whole school that depend on roles only: the home page, one's own account,
the school's aggregates, the audit log and the Django admin."""

from ekonseling.core.policy import has_role, rule, scope

from .models import COUNSELOR_ROLES, Role


def _school_member(user, obj=None):
    return user.school_id is not None


rule("home.view", "account.manage_own")(lambda user, obj=None: user.is_superuser or _school_member(user))

rule("school.aggregates")(has_role(Role.KEPALA_SEKOLAH, Role.KOORDINATOR_BK, Role.OPERATOR))

rule("audit.view", "audit.export")(has_role(Role.KOORDINATOR_BK))


@scope("audit.view", "audit.export")
def _audit_scope(user, queryset):
    return queryset


# --- administration (the Django admin) -------------------------------------------------------------------


@rule("admin.access")
def _admin_access(user, obj=None):
    return user.is_superuser or user.role == Role.OPERATOR


@rule("admin.school")
def _admin_school(user, obj=None):
    # The platform superuser creates schools; a school's operator edits only their own.
    return user.is_superuser or user.role == Role.OPERATOR


@rule("admin.school.create", "admin.school.delete")
def _admin_school_create(user, obj=None):
    return user.is_superuser


@rule("admin.users")
def _admin_users(user, obj=None):
    return user.is_superuser or user.role == Role.OPERATOR


@rule("admin.users.set_password")
def _admin_set_password(user, target=None):
    if user.is_superuser:
        return True
    if user.role != Role.OPERATOR:
        return False
    if target is None:
        return True
    # Whoever sets a counselor's password can sign in as them and read counseling content: once a
    # counselor has signed in, only the platform administrator may set their password.
    return not (target.role in COUNSELOR_ROLES and target.last_login is not None)


@rule("admin.users.change_role")
def _admin_change_role(user, target=None):
    # An operator who could make themselves a counselor would gain counseling content.
    return user.is_superuser or (user.role == Role.OPERATOR and (target is None or target.pk != user.pk))


rule("admin.students", "admin.rombel", "admin.academic_year")(has_role(Role.OPERATOR))
