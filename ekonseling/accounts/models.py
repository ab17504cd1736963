import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from ekonseling.core.models import School


class Role(models.TextChoices):
    OPERATOR = "operator", _("Operator")
    KOORDINATOR_BK = "koordinator_bk", _("BK coordinator")
    GURU_BK = "guru_bk", _("Guru BK")
    WALI_KELAS = "wali_kelas", _("Homeroom teacher")
    KEPALA_SEKOLAH = "kepala_sekolah", _("Principal")
    SISWA = "siswa", _("Student")
    ORANG_TUA = "orang_tua", _("Parent")


STAFF_ROLES = frozenset({Role.OPERATOR, Role.KOORDINATOR_BK, Role.GURU_BK, Role.KEPALA_SEKOLAH})
COUNSELOR_ROLES = frozenset({Role.KOORDINATOR_BK, Role.GURU_BK})


def _new_session_salt():
    return secrets.token_hex(16)


class User(AbstractUser):
    """A person who signs in. Each belongs to one school with one role; a platform superuser
    (the deployment's administrator) has no school and sees no school's content."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="users", verbose_name=_("school")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    nip = models.CharField(_("NIP"), max_length=30, blank=True)
    must_change_password = models.BooleanField(_("must change password at next sign-in"), default=False)
    # Rotating this invalidates every session of the user (sign out everywhere).
    session_salt = models.CharField(max_length=32, default=_new_session_salt, editable=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_superuser=True) | (models.Q(school__isnull=False) & ~models.Q(role="")),
                name="user_has_school_and_role",
            )
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.full_name or self.get_full_name() or self.username

    @property
    def is_staff_role(self):
        return self.role in STAFF_ROLES

    @property
    def is_counselor(self):
        return self.role in COUNSELOR_ROLES

    @property
    def requires_two_factor(self):
        return bool(self.school_id and self.is_staff_role and self.school.require_staff_2fa)

    def clean(self):
        super().clean()
        if not self.is_superuser:
            errors = {}
            if not self.school_id:
                errors["school"] = _("Every account except the platform administrator belongs to a school.")
            if not self.role:
                errors["role"] = _("Choose a role.")
            if errors:
                raise ValidationError(errors)

    @property
    def may_use_two_factor(self):
        return self.is_superuser or self.is_staff_role

    def _get_session_auth_hash(self, secret=None):
        key_salt = "ekonseling.accounts.User.get_session_auth_hash"
        return salted_hmac(key_salt, self.password + self.session_salt, secret=secret, algorithm="sha256").hexdigest()

    def end_all_sessions(self):
        from .signals import all_sessions_ended

        self.session_salt = _new_session_salt()
        self.save(update_fields=["session_salt"])
        all_sessions_ended.send(sender=type(self), user=self)
