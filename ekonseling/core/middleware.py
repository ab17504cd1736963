from django.contrib.sessions.middleware import SessionMiddleware
from django.utils.cache import patch_vary_headers


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
