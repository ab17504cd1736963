"""The access policy: the one place that answers "may this user do this (to that object)".

Views, APIs, WebSocket consumers, exports and the admin all ask here; nothing else decides access.

- `can(user, action, obj=None)`: a yes/no. An action no rule names is denied (default deny), and
  an object from another school is denied before any rule runs.
- `visible(user, action, queryset)`: the rows of a list the user may see, for actions that have a
  scope; every other action sees nothing.
- `get_object_or_404(user, action, queryset, **lookup)`: one object, or 404 both when it does not
  exist and when the user may not have it, so another school's or student's ids reveal nothing.

Rules are plain functions of (user, obj). Each app registers its own, from its `rules.py` (imported by
its AppConfig.ready()) with `@rule(...)` and `@scope(...)`; the engine knows no roles and no models.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

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


def visible(user, action, queryset, **hints):
    """The rows of `queryset` `user` may `action`. `hints` go to the action's scope, for a scope
    that can build less when told more about the queryset (its own documentation says which)."""
    if not _active(user) or action not in _SCOPES or not can(user, action):
        return queryset.none()
    if not user.is_superuser:
        queryset = queryset.filter(school_id=user.school_id)
    return _SCOPES[action](user, queryset, **hints)


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


def has_role(*roles):
    """A rule that allows the users holding one of `roles`, whatever the object."""
    return lambda user, obj=None: user.role in roles
