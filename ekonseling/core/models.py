from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class School(models.Model):
    """The tenant: every school-owned row points here, and no query crosses schools."""

    class Level(models.TextChoices):
        SD = "SD", "SD/MI"
        SMP = "SMP", "SMP/MTs"
        SMA = "SMA", "SMA/MA"
        SMK = "SMK", "SMK"

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), unique=True, help_text=_("Used in commands and URLs."))
    npsn = models.CharField(_("NPSN"), max_length=8, blank=True, help_text=_("National school number."))
    level = models.CharField(_("level"), max_length=3, choices=Level.choices, default=Level.SMA)
    address = models.TextField(_("address"), blank=True)
    city = models.CharField(_("city or regency"), max_length=100, blank=True)
    province = models.CharField(_("province"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    headmaster_name = models.CharField(_("principal's name"), max_length=200, blank=True)
    headmaster_nip = models.CharField(_("principal's NIP"), max_length=30, blank=True)
    # Re-encoded on upload (core.images.normalise_logo); drawn on the letterhead of every PDF.
    logo = models.ImageField(_("logo"), upload_to="school/logos/", blank=True)
    require_staff_2fa = models.BooleanField(
        _("require two-factor sign-in for staff"),
        default=False,
        help_text=_("Operator, BK coordinator, guru BK and principal must set up an authenticator app."),
    )
    # Everyone at the school sees this language until they choose another (User.language); the
    # browser's Accept-Language never decides (core.middleware.SchoolLanguageMiddleware).
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="id",
        help_text=_("The language of the pages for everyone at the school, unless they choose another."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]

    def __str__(self):
        return self.name


class SchoolOwned(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, verbose_name=_("school"))

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """Who read, changed or exported a confidential record, or did something to an account."""

    class Action(models.TextChoices):
        READ = "read", _("read")
        CHANGE = "change", _("change")
        CREATE = "create", _("create")
        DELETE = "delete", _("delete")
        EXPORT = "export", _("export")
        LOGIN = "login", _("sign-in")
        LOGIN_FAILED = "login_failed", _("failed sign-in")
        LOGOUT = "logout", _("sign-out")
        LOGOUT_ALL = "logout_all", _("signed out everywhere")
        TWO_FACTOR = "two_factor", _("two-factor change")
        PASSWORD = "password", _("password change")

    school = models.ForeignKey(School, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True, help_text="Kept when the account is deleted.")
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # The person acting may not be placed in time more finely than the day (a student: an anonymous
    # question's time against their sign-in would name the asker). Shown by date, after the day's
    # other events, in an order that says nothing of time (docs/anonymity.md).
    private_time = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["school", "-created_at"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"
