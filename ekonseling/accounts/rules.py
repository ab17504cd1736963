"""Access rules for the whole school that depend on roles only: the home page, one's own account,
the school's aggregates, the audit log and the Django admin."""

from ekonseling.core.policy import has_role, rule, scope

from .models import COUNSELOR_ROLES, Role


def _school_member(user, obj=None):
    return user.school_id is not None


rule("home.view", "account.manage_own")(lambda user, obj=None: user.is_superuser or _school_member(user))

rule("school.aggregates")(has_role(Role.KEPALA_SEKOLAH, Role.KOORDINATOR_BK, Role.OPERATOR))

rule("audit.view", "audit.export")(has_role(Role.KOORDINATOR_BK))

# Students' own events are shown to staff by date only: their sign-in second would name the asker of
# an anonymous question created at that second (issue 11 item 4, docs/anonymity.md).
rule("audit.private_time")(has_role(Role.SISWA))


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


# Roles whose accounts read no counseling content, no health data and no instrument answers: nothing
# the operator may not read already, so the operator may give them a one-time password.
OPERATOR_ISSUES_FOR = frozenset({Role.OPERATOR, Role.WALI_KELAS, Role.KEPALA_SEKOLAH})


@rule("account.issue_password")
def _issue_password(user, target=None):
    """Who may give another account a one-time password (the only way anyone but the owner sets a
    password). Whoever issues it could sign in with it first, so the issuer must already be able to
    read everything the account can: the operator for staff without counseling access; a koordinator
    BK for counselor accounts nobody has signed in to yet and that handle no conversation
    (activation); the platform superuser, who holds the data keys, for any staff account. Student
    accounts get theirs from their counselors (`student.reset_password`, with the earlier
    counseling content withheld). Nobody issues for themselves."""
    if target is not None and (target.pk == user.pk or target.is_superuser or not target.is_active):
        return False
    if user.is_superuser:
        return target is None or target.role != Role.SISWA
    if user.role == Role.OPERATOR:
        return target is None or target.role in OPERATOR_ISSUES_FOR
    if user.role == Role.KOORDINATOR_BK:
        return target is None or (
            target.role in COUNSELOR_ROLES and target.last_login is None and not _handles_conversations(target)
        )
    return False


def _handles_conversations(target):
    """A conversation can be transferred to a counselor who has never signed in; the koordinator may
    not be able to read it, so such an account is activated by the platform superuser. (The reverse
    relation of the counseling app's Conversation.counselor: accounts imports no upper layer.)"""
    conversations = getattr(target, "conversations", None)
    return conversations is not None and conversations.exists()


# The koordinator's page of counselor accounts waiting to be activated.
rule("account.activate_staff")(has_role(Role.KOORDINATOR_BK))


@rule("admin.users.change_role")
def _admin_change_role(user, target=None):
    # An operator who could make themselves a counselor would gain counseling content.
    return user.is_superuser or (user.role == Role.OPERATOR and (target is None or target.pk != user.pk))


rule("admin.students", "admin.rombel", "admin.academic_year")(has_role(Role.OPERATOR))
