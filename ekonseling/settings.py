"""One settings module for every environment; everything that differs comes from the environment.

Development (DEBUG on, the default outside production) runs on SQLite, the in-memory channel layer
and a data key generated into a git-ignored file. Production sets DEBUG=0 and must supply
SECRET_KEY, ALLOWED_HOSTS and EKONSELING_DATA_KEYS; start-up refuses to run without them.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def env_list(name, default=()):
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=True)
TESTING = env_bool("EKONSELING_TESTING", default="pytest" in sys.modules)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "ekonseling.core",
    "ekonseling.accounts",
    "ekonseling.students",
    "ekonseling.safety",
    "ekonseling.counseling",
    "ekonseling.instruments",
    "ekonseling.records",
    "ekonseling.cases",
    "ekonseling.sociometry",
    "ekonseling.appointments",
    "ekonseling.program",
    "ekonseling.information",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ekonseling.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and JSON gzipped for the student's slow phone (static files come compressed from
    # WhiteNoise, which answers before this). Django's own BREACH mitigation pads each response at
    # random, and CSRF tokens are masked per response. See docs/deployment.md, "Compression".
    "django.middleware.gzip.GZipMiddleware",
    "ekonseling.core.middleware.IdleSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Per-request values (a counselor's caseload) computed once, dropped with the request.
    "ekonseling.core.memo.RequestMemoMiddleware",
    # The school's language, or the user's own choice; never the browser's (issue 15).
    "ekonseling.core.middleware.SchoolLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ekonseling.accounts.middleware.SecondFactorMiddleware",
    "ekonseling.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "ekonseling.safety.middleware.HeldMailMiddleware",
    "ekonseling.appointments.middleware.ReminderMiddleware",
]

ROOT_URLCONF = "ekonseling.urls"
ASGI_APPLICATION = "ekonseling.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ekonseling.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),  # Django advises 0 under ASGI
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a Daphne process started by the tests can share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-db.sqlite3")}
    # A fresh checkout has no var/: SQLite creates the file, not its folder.
    (BASE_DIR / "var").mkdir(exist_ok=True)
    # Several Daphne threads write at once; WAL plus a busy timeout keeps them from failing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_POOL", default=True):
    # Under ASGI every request and every socket's database call may run on another thread, so a
    # persistent connection per thread is not an option (CONN_MAX_AGE stays 0) and each call used
    # to open a new PostgreSQL connection: a thousand sockets connecting at once spent most of
    # their time in connection set-up. psycopg's pool hands out open connections instead.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # With health checks on, Django asks the pool to test every connection it hands out: one more
    # round trip per query batch. The pool drops a broken connection when it comes back instead.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DB_POOL_MIN", 2),
        "max_size": env_int("DB_POOL_MAX", 20),
        "timeout": env_int("DB_POOL_TIMEOUT", 10),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channel layer and cache ------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # The pub/sub layer delivers under load where the default layer silently drops from full
    # channels; the stored message sequence, not the layer, is the delivery guarantee.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "ekonseling.core.channel_layers.BatchingRedisPubSubChannelLayer",
            # Redis pub/sub ignores the database number: without a prefix of its own, two
            # deployments sharing a Redis server would receive each other's counseling messages.
            "CONFIG": {"hosts": [REDIS_URL], "prefix": env_str("CHANNEL_LAYER_PREFIX", "ekonseling")},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "ekonseling"),
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Video and voice calls (appointments/signalling.py; docs/deployment.md "Calls: STUN and TURN") ---
# The browsers of a call connect to each other (WebRTC); these servers help them find a way through
# NAT. Comma-separated URLs, e.g. CALL_STUN_URLS=stun:turn.sekolah.sch.id:3478 and
# CALL_TURN_URLS=turn:turn.sekolah.sch.id:3478?transport=udp,turns:turn.sekolah.sch.id:5349.
# With CALL_TURN_SECRET (coturn's static-auth-secret) each join gets time-limited credentials
# (CALL_TURN_TTL seconds); CALL_TURN_USERNAME/CALL_TURN_PASSWORD give fixed ones instead.
CALL_STUN_URLS = env_list("CALL_STUN_URLS")
CALL_TURN_URLS = env_list("CALL_TURN_URLS")
CALL_TURN_SECRET = env_str("CALL_TURN_SECRET")
CALL_TURN_USERNAME = env_str("CALL_TURN_USERNAME")
CALL_TURN_PASSWORD = env_str("CALL_TURN_PASSWORD")
CALL_TURN_TTL = env_int("CALL_TURN_TTL", 3600)
# A call opens this many minutes before the appointment's start and closes as long after its end.
CALL_GRACE_MINUTES = env_int("CALL_GRACE_MINUTES", 10)

# --- Authentication ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "ekonseling.accounts.backends.SchoolModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # The test suite hashes with MD5 for speed; a server started by the tests must verify those.
    PASSWORD_HASHERS.append("django.contrib.auth.hashers.MD5PasswordHasher")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "ekonseling.students.names.NotOwnNameValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle expiry: every request renews the session, so it ends after this long without activity.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
# ... but at most once in this many seconds (core.middleware.IdleSessionMiddleware): renewing is a
# write on every page otherwise. Keep it well below SESSION_COOKIE_AGE: an idle session can end up
# to this much earlier than the idle time, never later.
SESSION_RENEW_SECONDS = env_int("SESSION_RENEW_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# How often each server process closes the sockets of expired sessions (counseling/socket_sessions.py).
SOCKET_SESSION_CHECK_SECONDS = env_int("SOCKET_SESSION_CHECK_SECONDS", 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_LOCKOUT_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ekonseling.accounts.views.lockout"
AXES_VERBOSE = False
# Reverse proxies in front of Daphne that append to X-Forwarded-For (0 when Daphne runs with
# --proxy-headers or faces clients directly). Lockouts and the audit log read the address the same way.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "ekonseling.core.audit.client_ip"

OTP_TOTP_ISSUER = env_str("OTP_ISSUER", "E-Konseling")

# --- Security -----------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Data keys for counseling content (Fernet, comma-separated, newest first). See core/crypto.py.
DATA_KEYS = env_list("EKONSELING_DATA_KEYS")
DATA_KEY_FILE = Path(env_str("EKONSELING_DATA_KEY_FILE", str(BASE_DIR / "var" / "data.key")))
if not DEBUG and not DATA_KEYS:
    raise ImproperlyConfigured(
        "EKONSELING_DATA_KEYS must be set when DEBUG is off: counseling content is encrypted "
        "with it. Generate one with `python manage.py generate_data_key`."
    )

# --- Internationalisation -------------------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
# locale/: the app's catalogues (`make messages` writes there). locale_django/: our own Indonesian
# for Django's strings (validators, admin); after locale/, before Django's own catalogues.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_django"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files -------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
# Uploads are private (attachments, photos): never under STATIC or a public MEDIA_URL.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- E-mail ----------------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)  # an alert e-mail must not hold up the message store
# The public address of this site, for links in e-mails (which are sent outside a request).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "E-Konseling <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Further risk alerts in one conversation within this many seconds go out as one e-mail with a count.
SAFETY_ALERT_MAIL_WINDOW = env_int("SAFETY_ALERT_MAIL_WINDOW", 600)
# How often (seconds) a request checks for held alert e-mails whose window has ended (one query,
# throttled through the cache); 0 turns the check off (cron runs `send_pending_alert_mail` instead).
# Off in the tests, whose query counts it would change; tests/safety/test_held_mail.py turns it on.
SAFETY_HELD_MAIL_CHECK = env_int("SAFETY_HELD_MAIL_CHECK", 0 if TESTING else 60)
# Appointment reminders: how often (seconds) a request checks for due ones; 0 = cron only.
APPOINTMENT_REMINDER_CHECK = env_int("APPOINTMENT_REMINDER_CHECK", 0 if TESTING else 60)

# --- Flood limits (per user, over every tab, socket and process: the cache is shared) ---------------------
# (how many, per seconds); counseling.protocol has the defaults for any kind left out (messages:
# protocol.SEND_LIMIT per SEND_WINDOW, unless RATE_LIMIT_MESSAGES is set).
COUNSELING_RATE_LIMITS = {
    "letter": (env_int("RATE_LIMIT_LETTERS", 5), 600),
    "question": (env_int("RATE_LIMIT_QUESTIONS", 5), 600),
    "reply": (env_int("RATE_LIMIT_REPLIES", 20), 60),
}
if os.environ.get("RATE_LIMIT_MESSAGES"):
    COUNSELING_RATE_LIMITS["message"] = (env_int("RATE_LIMIT_MESSAGES", 30), 15)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
