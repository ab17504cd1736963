"""HTTP and WebSocket on one ASGI application, served by Daphne.

The counseling socket's user is loaded, and its admission decided, in one database call
(`counseling.admission`), in place of Channels' AuthMiddlewareStack.
"""

import gc
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ekonseling.settings")

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402
from django.urls import get_resolver  # noqa: E402

django_asgi_app = get_asgi_application()

from ekonseling.core import autobahn_logs  # noqa: E402
from ekonseling.counseling import risk  # noqa: E402
from ekonseling.counseling.admission import AdmissionMiddlewareStack  # noqa: E402
from ekonseling.routing import websocket_urlpatterns  # noqa: E402

# Daphne's WebSocket server (Autobahn) formats its debug lines only when they are written.
autobahn_logs.install()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AdmissionMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

# What the process keeps for its life is loaded before the freeze: the URL conf (Django would import
# it at the first request) and the risk screening's shipped lexicon, model and stemmer (at the first
# chat message: a stall of the message writer of about a second, then 16k more objects that
# every full collection walked; with the URL conf's 31k, 22 ms per collection on the bench machine).
get_resolver().url_patterns  # noqa: B018 - imports the URL conf
risk.default_lexicon().screen("")

# Django, the apps and the URL conf loaded above live as long as the process. Freezing them keeps
# the collector from walking them again on every full collection (pauses of 100 ms and more with a
# thousand sockets). A first threshold above the default makes collections rarer under many small
# frames; at 10,000 the generation-1 collection that follows a connect storm walked every socket's
# objects at once (34 ms with the GIL held, the worst second of bench_chat_load at 54 ms); at 2,000
# they are promoted a few at a time (worst second 28-42 ms, the same CPU within the bench's noise).
gc.collect()
gc.freeze()
gc.set_threshold(2_000, 10, 10)

# The message writer's thread and the event loop share the GIL: each database round trip of the
# writer ends by waiting for the loop to let go, up to the switch interval (5 ms by default).
sys.setswitchinterval(0.0005)
