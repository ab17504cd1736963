"""Sign-in events go to the audit log beside confidential reads: one place to answer "who"."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import Signal, receiver

from ekonseling.core import audit


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit.record(request, audit.Action.LOGIN, user=user, school=user.school)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(request, audit.Action.LOGOUT, user=user, school=user.school)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    from .models import Role, User

    username = (credentials or {}).get("username", "")[:150]
    user = User.objects.filter(username=username).select_related("school").first()
    # An unknown "username" is often a password typed in the wrong box: never store it.
    audit.record(
        request,
        audit.Action.LOGIN_FAILED,
        user=None,
        school=user.school if user else None,
        detail=f"username={username}" if user else "unknown username",
        # a student's failed sign-in is their activity too: by date only, like their sign-ins
        private_time=user is not None and user.role == Role.SISWA,
    )


# Sent when every session of a user ends (sign out everywhere); open sockets must close too.
all_sessions_ended = Signal()
