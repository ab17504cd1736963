import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
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


# No 0/O, 1/l/I: a one-time password is typed from paper on a phone keyboard.
ONE_TIME_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
ONE_TIME_PASSWORD_GROUPS = (4, 4)


def _new_session_salt():
    return secrets.token_hex(16)


def new_one_time_password() -> str:
    """Eight random characters in two groups ("k7m4-p9xa"); the hyphen is part of the password, so
    the owner types exactly what the card or screen shows. Nobody chooses it."""
    return "-".join(
        "".join(secrets.choice(ONE_TIME_PASSWORD_ALPHABET) for _ in range(n)) for n in ONE_TIME_PASSWORD_GROUPS
    )


class User(AbstractUser):
    """A person who signs in. Each belongs to one school with one role; a platform superuser
    (the deployment's administrator) has no school and sees no school's content."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="users", verbose_name=_("school")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    nip = models.CharField(_("NIP"), max_length=30, blank=True)
    # Empty: the school's language. Set when the user chooses a language (the footer's switch).
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    must_change_password = models.BooleanField(_("must change password at next sign-in"), default=False)
    # Rotating this invalidates every session of the user (sign out everywhere).
    session_salt = models.CharField(max_length=32, default=_new_session_salt, editable=False)
    # Counseling content this account wrote before this moment is withheld from it: set whenever
    # someone other than the owner gave the account a credential (a new account, a one-time
    # password, a role change), so whoever issued it cannot read it (docs/anonymity.md).
    counseling_visible_from = models.DateTimeField(null=True, blank=True, editable=False)
    # The owner's own password hash from before that moment, and the moment it went with: typing
    # that password again proves continuity and shows the withheld content again.
    previous_password = models.CharField(max_length=128, blank=True, editable=False)
    previous_visible_from = models.DateTimeField(null=True, blank=True, editable=False)

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

    @property
    def has_withheld_counseling(self):
        return self.counseling_visible_from is not None and bool(self.previous_password)

    def _withhold_earlier_content(self):
        """Whoever receives the new credential may not be the owner: from now on the account sees
        only what is written from now on. The owner's own password (not one issued to them) is
        kept as the one proof that reopens what came before."""
        if self.has_usable_password() and not self.must_change_password:
            self.previous_password = self.password
            self.previous_visible_from = self.counseling_visible_from
        self.counseling_visible_from = timezone.now()

    def _replace_credentials(self, password: str | None) -> None:
        """Someone other than the owner replaces the password (None: no password works): earlier
        content is withheld, the owner must choose a password at the next sign-in, every session ends."""
        self._withhold_earlier_content()
        if password is None:
            self.set_unusable_password()
        else:
            self.set_password(password)
        self.must_change_password = True
        self.save(
            update_fields=[
                "password",
                "must_change_password",
                "counseling_visible_from",
                "previous_password",
                "previous_visible_from",
            ]
        )
        self.end_all_sessions()

    def issue_one_time_password(self) -> str:
        """Replace the password with a random one-time password that the owner must change at the
        next sign-in; end every session. Returns the password, which is stored nowhere in clear."""
        password = new_one_time_password()
        self._replace_credentials(password)
        return password

    def withdraw_credentials(self) -> None:
        """No password works any more and every session ends: the account waits for a one-time
        password from someone allowed to issue one for its (new) role."""
        self._replace_credentials(None)

    def restore_withheld_counseling(self, raw_password: str) -> bool:
        """Show the withheld content again if `raw_password` is the owner's password from before it
        was withheld; one level back, never further."""
        if not self.has_withheld_counseling or not check_password(raw_password, self.previous_password):
            return False
        self.counseling_visible_from = self.previous_visible_from
        self.previous_password = ""
        self.previous_visible_from = None
        self.save(update_fields=["counseling_visible_from", "previous_password", "previous_visible_from"])
        return True

    def end_all_sessions(self) -> None:
        from .signals import all_sessions_ended

        self.session_salt = _new_session_salt()
        self.save(update_fields=["session_salt"])
        all_sessions_ended.send(sender=type(self), user=self)
