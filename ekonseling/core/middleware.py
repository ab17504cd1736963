import time

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import DisallowedHost
from django.utils import translation
from django.utils.cache import patch_vary_headers

# No inline script anywhere (every script is a static file), no inline style outside the Django
# admin (whose own templates still carry style attributes), nothing from another origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self' {websocket}; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
ADMIN_STYLE = "style-src 'self' 'unsafe-inline'"
# The app uses none of these; a page that would (an injected one) is refused them.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "midi=(), magnetometer=(), gyroscope=(), accelerometer=(), display-capture=(), "
    "interest-cohort=(), browsing-topics=()"
)
# The one exception: a video or voice call's page (appointments) uses the camera, the microphone
# and the choice of speaker, for this origin only; everything else stays refused.
MEDIA_PERMISSIONS_POLICY = (
    PERMISSIONS_POLICY.replace("camera=()", "camera=(self)").replace("microphone=()", "microphone=(self)")
    + ", speaker-selection=(self)"
)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every answer. The socket is named with
    its scheme and host: not every browser counts ws:// of the same host as 'self'."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            try:
                websocket = f"{'wss' if request.is_secure() else 'ws'}://{request.get_host()}"
            except DisallowedHost:  # answered 400 already; 'self' is all it gets
                websocket = ""
            policy = CONTENT_SECURITY_POLICY.format(websocket=websocket).replace(" ;", ";")
            if request.path.startswith("/admin/"):
                policy = policy.replace("style-src 'self'", ADMIN_STYLE)
            response["Content-Security-Policy"] = policy
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


# The session key holding when the session was last saved (its idle expiry renewed), in whole
# seconds since the epoch.
RENEWED_AT = "_idle_renewed_at"


class IdleSessionMiddleware(SessionMiddleware):
    """Sessions end after SESSION_COOKIE_AGE without activity (a request renews them), except
    requests a view marks as background (`request.keeps_session_idle = True`), such as a chat page
    polling for messages: a forgotten open tab must not keep a session alive forever.

    Renewing is a write (three queries on the database engine), so a request renews a session only
    when its last renewal is SESSION_RENEW_SECONDS old or more; a session changed by the request
    is saved as always. The expiry is never later than SESSION_COOKIE_AGE after the last activity:
    at worst, for someone whose last requests fell inside one window, it comes up to
    SESSION_RENEW_SECONDS earlier."""

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is None:
            return super().process_response(request, response)
        if not session.modified and (getattr(request, "keeps_session_idle", False) or _renewed_lately(session)):
            patch_vary_headers(response, ("Cookie",))
            return response
        if not session.is_empty() and response.status_code < 500:
            session[RENEWED_AT] = int(_now())
        return super().process_response(request, response)


def _now() -> float:
    return time.time()


def _renewed_lately(session) -> bool:
    """Whether the session was saved less than SESSION_RENEW_SECONDS ago (by its stamp; a stamp
    from the future, a clock set back, does not count)."""
    stamp = session.get(RENEWED_AT)
    if not isinstance(stamp, int):
        return False
    return 0 <= _now() - stamp < settings.SESSION_RENEW_SECONDS


def chosen_language(request) -> str:
    """The language of this request: the signed-in user's own choice, else their school's; for
    someone not signed in, the language they chose on this device (the cookie the switch sets),
    else the default. The browser's Accept-Language is never read: a student's phone set to
    English still gets the school's language (issue 15)."""
    available = {code for code, _name in settings.LANGUAGES}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return language_of(user)
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return code if code in available else settings.LANGUAGE_CODE


def language_of(user) -> str:
    """A signed-in user's language: their own choice, else their school's, else the default. Also
    what a WebSocket speaks to them (counseling.consumers), where no request passes the middleware."""
    available = {code for code, _name in settings.LANGUAGES}
    school = getattr(user, "school", None)
    for code in (getattr(user, "language", ""), getattr(school, "language", "")):
        if code in available:
            return code
    return settings.LANGUAGE_CODE


class SchoolLanguageMiddleware:
    """Activates chosen_language() for the request (in place of Django's LocaleMiddleware, which
    would let Accept-Language decide). Placed after AuthenticationMiddleware: it reads the user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
