"""The app as an installable web app (PWA): the manifest, the service worker and the offline page.

The service worker keeps only what is the same for everyone: the static files (CSS, JavaScript,
icons) and the offline page. It never stores a page of the app: those hold a student's or a
counselor's confidential content, and a phone or a school computer is often shared. A chat typed
offline waits in the chat's own outbox (localStorage, static/js/chat.js), as it did before.
"""

import hashlib
import json

from django.http import HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

# Fetched while the service worker installs, so that the pages after the first load them from the
# phone; the other static files are kept the first time a page asks for them.
PRECACHE = ("css/app.css", "js/app.js", "css/chat.css", "js/chat.js", "js/live.js", "img/icon.svg")
ICONS = (("img/icon-192.png", "192x192"), ("img/icon-512.png", "512x512"))


@require_GET
@cache_control(max_age=86400)
def manifest(request):
    data = {
        "name": "E-Konseling",
        "short_name": "E-Konseling",
        "description": _("Guidance and counseling at school"),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("core:index"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f4f6f7",
        "theme_color": "#0b6e4f",
        "icons": [
            *({"src": static(path), "sizes": sizes, "type": "image/png", "purpose": "any"} for path, sizes in ICONS),
            {"src": static("img/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/manifest+json")


@require_GET
def service_worker(request):
    assets = [static(path) for path in PRECACHE]
    offline = reverse("core:offline")
    # A new deploy changes the hashed names (collectstatic), so the script changes and the browser
    # installs it afresh; without hashed names (DEBUG) the version follows the list only.
    version = hashlib.sha256("\n".join([offline, *assets]).encode()).hexdigest()[:12]
    context = {"assets": json.dumps(assets), "offline": json.dumps(offline), "version": json.dumps(version)}
    response = render(request, "core/pwa/sw.js", context, content_type="text/javascript; charset=utf-8")
    # The browser checks for a new worker on every navigation: never from a cache on the way.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request):
    """What a navigation gets while the phone is offline: the same for everyone, no user data."""
    response = render(request, "core/pwa/offline.html")
    response["Cache-Control"] = "no-cache"
    return response
