"""A bare Channels relay for bench_chat_load: Daphne + a consumer + the Redis pub/sub layer, no database.

The same protocol as bench/relay_websockets.py: the first frame `{"type": "join", "pair": 3, "role":
"student"}` joins the pair's group and is answered with `{"type": "joined"}`; every later frame goes
to the group through the channel layer (the app's Redis pub/sub layer, ekonseling.core.channel_layers) and
is sent to the member that did not send it. GET /healthz answers 200. No Django apps, no sessions,
no database: only what Channels itself needs.

    REDIS_URL=redis://127.0.0.1:6379/1 python -m daphne -v 0 -p 8766 bench.relay_channels:application
"""

import json
import os

import django
from django.conf import settings

if not settings.configured:
    settings.configure(
        INSTALLED_APPS=["channels"],
        CHANNEL_LAYERS={
            "default": {
                "BACKEND": "ekonseling.core.channel_layers.BatchingRedisPubSubChannelLayer",
                "CONFIG": {
                    "hosts": [os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1")],
                    "prefix": os.environ.get("CHANNEL_LAYER_PREFIX", "asgi"),
                },
            }
        },
    )
    django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402


class RelayConsumer(AsyncWebsocketConsumer):
    group = None

    async def receive(self, text_data=None, bytes_data=None):
        if self.group is None:
            try:
                join = json.loads(text_data)
                self.group = f"relay.{int(join['pair'])}"
            except (ValueError, KeyError, TypeError):
                await self.close(code=4400)
                return
            await self.channel_layer.group_add(self.group, self.channel_name)
            await self.send('{"type": "joined"}')
            return
        await self.channel_layer.group_send(
            self.group, {"type": "relay.frame", "text": text_data, "sender": self.channel_name}
        )

    async def relay_frame(self, event):
        if event["sender"] != self.channel_name:
            await self.send(event["text"])

    async def disconnect(self, code):
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)


async def health(scope, receive, send):
    if scope["type"] != "http":
        return
    status = 200 if scope["path"] == "/healthz" else 404
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok\n" if status == 200 else b""})


application = ProtocolTypeRouter(
    {
        "http": health,
        "websocket": URLRouter([path("ws/relay/", RelayConsumer.as_asgi())]),
    }
)
