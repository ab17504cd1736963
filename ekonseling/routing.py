"""WebSocket routes. Each consumer asks core.policy before it joins a group (see docs/websocket.md)."""

websocket_urlpatterns = []
