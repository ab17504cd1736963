"""WebSocket routes. Each consumer asks core.policy before it joins a group (see docs/websocket.md)."""

from django.urls import path

from ekonseling.counseling.consumers import CounselingConsumer
from ekonseling.information.consumers import PollConsumer

websocket_urlpatterns = [
    path("ws/konseling/", CounselingConsumer.as_asgi()),
    path("ws/polling/<int:poll_id>/", PollConsumer.as_asgi()),
]
