"""The access policy: the one place that answers "may this user do this (to that object)".

Views, APIs, WebSocket consumers, exports and the admin all ask here; nothing else decides access.

- `can(user, action, obj=None)`: a yes/no. An action no rule names is denied (default deny), and
  an object from another school is denied before any rule runs.
- `visible(user, action, queryset)`: the rows of a list the user may see, for actions that have a
  scope; every other action sees nothing.
- `get_object_or_404(user, action, queryset, **lookup)`: one object, or 404 both when it does not
  exist and when the user may not have it, so another school's or student's ids reveal nothing.

Rules are plain functions of (user, obj); add new actions here, next to the ones they resemble.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from ekonseling.accounts.models import COUNSELOR_ROLES, Role

_RULES = {}
_SCOPES = {}


def rule(*actions):
    def register(check):
        for action in actions:
            if action in _RULES:
                raise ValueError(f"Access rule for {action!r} is defined twice.")
            _RULES[action] = check
        return check

    return register


def scope(*actions):
    def register(filter_queryset):
        for action in actions:
            _SCOPES[action] = filter_queryset
        return filter_queryset

    return register


def actions():
    return sorted(_RULES)


def _active(user):
    return user is not None and user.is_authenticated and user.is_active


def _same_school(user, obj):
    if obj is None:
        return True
    school_id = getattr(obj, "school_id", None)
    if school_id is None and obj.__class__.__name__ == "School":
        school_id = obj.pk
    return school_id is not None and school_id == user.school_id


def can(user, action, obj=None):
    if not _active(user):
        return False
    check = _RULES.get(action)
    if check is None:
        return False
    if not user.is_superuser and not _same_school(user, obj):
        return False
    return bool(check(user, obj))


def visible(user, action, queryset):
    if not _active(user) or action not in _SCOPES or not can(user, action):
        return queryset.none()
    if not user.is_superuser:
        queryset = queryset.filter(school_id=user.school_id)
    return _SCOPES[action](user, queryset)


def get_object_or_404(user, action, queryset, **lookup):
    if action in _SCOPES:
        queryset = visible(user, action, queryset)
    elif not user.is_superuser:
        queryset = queryset.filter(school_id=user.school_id)
    try:
        obj = queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404 from None
    if not can(user, action, obj):
        raise Http404
    return obj


def require(action):
    """View decorator for a role-level action: sign-in first, then 403 for the wrong role."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not _active(request.user):
                return redirect_to_login(request.get_full_path())
            if not can(request.user, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.policy_action = action
        return wrapped

    return decorate


# --- who is who ---------------------------------------------------------------------------------------


def _role(*roles):
    return lambda user, obj=None: user.role in roles


def _school_member(user, obj=None):
    return user.school_id is not None


# --- general ----------------------------------------------------------------------------------------------

rule("home.view", "account.manage_own")(lambda user, obj=None: user.is_superuser or _school_member(user))

rule("school.aggregates")(_role(Role.KEPALA_SEKOLAH, Role.KOORDINATOR_BK, Role.OPERATOR))

rule("audit.view", "audit.export")(_role(Role.KOORDINATOR_BK))


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


rule("admin.students", "admin.rombel", "admin.academic_year")(_role(Role.OPERATOR))


# --- students (himpunan data) ----------------------------------------------------------------------------

STUDENT_LISTERS = (Role.OPERATOR, Role.KOORDINATOR_BK, Role.GURU_BK, Role.WALI_KELAS)


def _in_caseload(user, student):
    """A guru BK serves a student through the student's rombel or an individual assignment."""
    # .all() uses a prefetch when the caller made one (detail pages ask several questions).
    if student.rombel_id is not None and any(c.pk == user.pk for c in student.rombel.counselors.all()):
        return True
    return any(c.pk == user.pk for c in student.counselors.all())


def _caseload_q(user):
    from django.db.models import Exists, OuterRef, Q

    from ekonseling.students.models import Rombel, Student

    by_rombel = Rombel.counselors.through.objects.filter(rombel_id=OuterRef("rombel_id"), user_id=user.pk)
    individually = Student.counselors.through.objects.filter(student_id=OuterRef("pk"), user_id=user.pk)
    return Q(Exists(by_rombel)) | Q(Exists(individually))


@rule("student.view")
def _student_view(user, student=None):
    """Basic data: identity and rombel."""
    if student is None:
        return user.role in STUDENT_LISTERS or user.role == Role.SISWA
    if user.role in (Role.OPERATOR, Role.KOORDINATOR_BK):
        return True
    if user.role == Role.GURU_BK:
        return _in_caseload(user, student)
    if user.role == Role.WALI_KELAS:
        return student.rombel_id is not None and student.rombel.wali_kelas_id == user.pk
    if user.role == Role.SISWA:
        return student.user_id == user.pk
    return False


@rule("student.list")
def _student_list(user, obj=None):
    return user.role in STUDENT_LISTERS


@rule("student.view_record")
def _student_view_record(user, student=None):
    """The whole buku pribadi (address, family, living situation): not for the wali kelas."""
    if user.role not in (Role.OPERATOR, *COUNSELOR_ROLES, Role.SISWA):
        return False
    return student is None or _student_view(user, student)


@rule("student.view_health", "student.view_counseling")
def _student_view_health(user, student=None):
    # Health notes are specific personal data: counselors of the student and the student.
    if user.role not in (*COUNSELOR_ROLES, Role.SISWA):
        return False
    return student is None or _student_view(user, student)


@rule("student.edit")
def _student_edit(user, student=None):
    if user.role not in (Role.OPERATOR, *COUNSELOR_ROLES):
        return False
    return student is None or _student_view(user, student)


@rule("student.edit_health", "student.flag", "student.view_changes", "student.reset_password")
def _student_counsel(user, student=None):
    if user.role == Role.OPERATOR:
        return False
    if user.role not in COUNSELOR_ROLES:
        return False
    return student is None or _student_view(user, student)


@rule("student.edit_own")
def _student_edit_own(user, student=None):
    return user.role == Role.SISWA and (student is None or student.user_id == user.pk)


@rule("student.export_personal_data")
def _student_export_personal(user, student=None):
    # UU PDP right of access: the operator and coordinator answer requests; a student takes their own.
    if user.role in (Role.OPERATOR, Role.KOORDINATOR_BK):
        return True
    return user.role == Role.SISWA and (student is None or student.user_id == user.pk)


rule("student.request_deletion")(_role(Role.OPERATOR, Role.KOORDINATOR_BK))
rule("student.carry_out_deletion", "student.import", "rombel.promote")(_role(Role.OPERATOR))
rule("caseload.manage")(_role(Role.OPERATOR, Role.KOORDINATOR_BK))


@rule("rombel.manage_accounts", "rombel.export")
def _rombel_staff(user, rombel=None):
    """Create student logins and print login cards, or export a rombel: operator, coordinator, and the
    rombel's own counselors."""
    if user.role in (Role.OPERATOR, Role.KOORDINATOR_BK):
        return True
    if user.role != Role.GURU_BK:
        return False
    return rombel is None or rombel.counselors.filter(pk=user.pk).exists()


@scope(
    "student.view",
    "student.list",
    "student.view_record",
    "student.view_health",
    "student.edit",
    "student.view_changes",
    "student.reset_password",
    "student.export_personal_data",
)
def _student_scope(user, queryset):
    if user.role in (Role.OPERATOR, Role.KOORDINATOR_BK):
        return queryset
    if user.role == Role.GURU_BK:
        return queryset.filter(_caseload_q(user))
    if user.role == Role.WALI_KELAS:
        return queryset.filter(rombel__wali_kelas=user)
    if user.role == Role.SISWA:
        return queryset.filter(user=user)
    return queryset.none()


@scope("rombel.manage_accounts", "rombel.export")
def _rombel_scope(user, queryset):
    if user.role == Role.GURU_BK:
        return queryset.filter(counselors=user)
    return queryset


# --- online counseling -------------------------------------------------------------------------------------
# Counseling content is read by the student who wrote it and the counselor who handles it. A new,
# unclaimed conversation is open to the counselors who serve the student (and the coordinator), so
# one of them can claim it; an urgent one (a risk alert) is open to the coordinator too. Wali kelas,
# principal and operator never read counseling content.


def _serves(user, student):
    return user.role == Role.KOORDINATOR_BK or (user.role == Role.GURU_BK and _in_caseload(user, student))


rule("counseling.start")(_role(Role.SISWA))
rule("counseling.inbox")(_role(*COUNSELOR_ROLES))
# The school's risk lexicon decides which students' messages raise alerts: the coordinator's call.
rule("risk_lexicon.manage")(_role(Role.KOORDINATOR_BK))


@rule("conversation.view", "conversation.post")
def _conversation_view(user, conversation=None):
    if conversation is None:
        return user.role in (Role.SISWA, *COUNSELOR_ROLES)
    if user.role == Role.SISWA:
        return conversation.student.user_id == user.pk
    if user.role not in COUNSELOR_ROLES:
        return False
    if conversation.counselor_id == user.pk:
        return True
    if conversation.counselor_id is None:
        return _serves(user, conversation.student)
    return user.role == Role.KOORDINATOR_BK and conversation.urgent


@rule("conversation.claim")
def _conversation_claim(user, conversation=None):
    if user.role not in COUNSELOR_ROLES:
        return False
    return conversation is None or (conversation.counselor_id is None and _serves(user, conversation.student))


@rule("conversation.manage")
def _conversation_manage(user, conversation=None):
    """Transfer, close, reopen, export, mark an alert: the handling counselor or the coordinator."""
    if user.role not in COUNSELOR_ROLES:
        return False
    if conversation is None:
        return True
    return conversation.counselor_id == user.pk or (
        user.role == Role.KOORDINATOR_BK and _conversation_view(user, conversation)
    )


@rule("conversation.see_identity")
def _conversation_identity(user, conversation=None):
    """An anonymous question hides the student until they reveal themselves; a risk alert lets
    the coordinator see who it is."""
    if conversation is None or not conversation.identity_hidden:
        return True
    if user.role == Role.SISWA:
        return conversation.student.user_id == user.pk
    return user.role == Role.KOORDINATOR_BK and conversation.urgent


@scope("conversation.view", "conversation.post")
def _conversation_scope(user, queryset):
    from django.db.models import Q

    if user.role == Role.SISWA:
        return queryset.filter(student__user=user)
    if user.role == Role.GURU_BK:
        from ekonseling.students.models import Student

        caseload = Student.objects.filter(_caseload_q(user)).values("pk")
        return queryset.filter(Q(counselor=user) | Q(counselor__isnull=True, student__in=caseload))
    if user.role == Role.KOORDINATOR_BK:
        return queryset.filter(Q(counselor=user) | Q(counselor__isnull=True) | Q(urgent=True))
    return queryset.none()


# --- instruments ---------------------------------------------------------------------------------------------
# Answers to BK instruments are counseling content: the student who gave them and the counselors who
# serve that student read them. An administration belongs to the counselor who opened it and the
# coordinator; a guru BK who serves one of its rombel sees it too (the class profile is theirs to
# use). Wali kelas, principal and operator see none of it.

rule("instrument.library", "administration.create")(_role(*COUNSELOR_ROLES))


def _administration_counselor(user, administration):
    if user.role == Role.KOORDINATOR_BK:
        return True
    if user.role != Role.GURU_BK:
        return False
    if administration.created_by_id == user.pk:
        return True
    return administration.rombels.filter(counselors=user).exists()


@rule("administration.manage")
def _administration_manage(user, administration=None):
    if user.role not in COUNSELOR_ROLES:
        return False
    return administration is None or _administration_counselor(user, administration)


@scope("administration.manage")
def _administration_scope(user, queryset):
    from django.db.models import Exists, OuterRef, Q

    if user.role == Role.KOORDINATOR_BK:
        return queryset
    if user.role == Role.GURU_BK:
        Through = queryset.model.rombels.through
        from ekonseling.students.models import Rombel

        serves = Through.objects.filter(
            administration_id=OuterRef("pk"),
            rombel_id__in=Rombel.counselors.through.objects.filter(user_id=user.pk).values("rombel_id"),
        )
        return queryset.filter(Q(created_by=user) | Q(Exists(serves)))
    return queryset.none()


@rule("assignment.view", "alert.decide")
def _assignment_view(user, obj=None):
    """One student's answers (or an alert on them): the counselors who serve the student."""
    if user.role not in COUNSELOR_ROLES:
        return False
    if obj is None:
        return True
    assignment = getattr(obj, "assignment", obj)
    return _serves(user, assignment.student)


@rule("assignment.fill")
def _assignment_fill(user, assignment=None):
    return user.role == Role.SISWA and (assignment is None or assignment.student.user_id == user.pk)


@rule("assignment.view_own_result")
def _assignment_own_result(user, assignment=None):
    """A student sees their results only after the counselor releases them."""
    if user.role != Role.SISWA:
        return False
    if assignment is None:
        return True
    return (
        assignment.student.user_id == user.pk
        and assignment.status == "submitted"
        and assignment.administration.released_at is not None
    )


@scope("assignment.view", "alert.decide")
def _assignment_scope(user, queryset):
    from ekonseling.students.models import Student

    if user.role == Role.KOORDINATOR_BK:
        return queryset
    if user.role == Role.GURU_BK:
        caseload = Student.objects.filter(_caseload_q(user)).values("pk")
        student_field = "student" if hasattr(queryset.model, "student") else "assignment__student"
        return queryset.filter(**{f"{student_field}__in": caseload})
    return queryset.none()


@scope("assignment.fill", "assignment.view_own_result")
def _own_assignment_scope(user, queryset):
    if user.role == Role.SISWA:
        return queryset.filter(student__user=user)
    return queryset.none()


@rule("answer_import.use")
def _answer_import_use(user, answer_import=None):
    """A pending answer import is its uploader's, while they still manage its administration."""
    if user.role not in COUNSELOR_ROLES:
        return False
    if answer_import is None:
        return True
    return answer_import.uploaded_by_id == user.pk and _administration_manage(user, answer_import.administration)


@scope("answer_import.use")
def _answer_import_scope(user, queryset):
    return queryset.filter(uploaded_by=user)
