from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import DisallowedHost
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


class IdleSessionMiddleware(SessionMiddleware):
    """Sessions end after SESSION_COOKIE_AGE without activity (every request renews them), except
    requests a view marks as background (`request.keeps_session_idle = True`), such as a chat page
    polling for messages: a forgotten open tab must not keep a session alive forever."""

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if getattr(request, "keeps_session_idle", False) and session is not None and not session.modified:
            patch_vary_headers(response, ("Cookie",))
            return response
        return super().process_response(request, response)
