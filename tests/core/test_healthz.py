import json

import pytest

from ekonseling.accounts.models import User


@pytest.fixture
def superuser_client(client, db):
    client.force_login(User.objects.create_superuser("platform", "platform@example.test", "x-Very-Long-1"))
    return client


def test_healthz_reports_database_and_channel_layer_to_the_platform_administrator(superuser_client):
    response = superuser_client.get("/healthz")

    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["channel_layer"]["status"] == "ok"


def test_healthz_tells_anonymous_callers_only_up_or_down(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert b"vendor" not in response.content and b"Layer" not in response.content


@pytest.mark.parametrize("who", ["anonymous", "superuser"])
def test_healthz_reports_a_broken_channel_layer_as_503(client, db, settings, who, request):
    if who == "superuser":
        client = request.getfixturevalue("superuser_client")
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": ["redis://127.0.0.1:1"]}}
    }
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    try:
        response = client.get("/healthz")
    finally:
        channel_layers.backends.clear()

    assert response.status_code == 503
    body = json.loads(response.content)
    if who == "anonymous":
        assert body == {"status": "error"}
    else:
        assert body["channel_layer"]["status"] == "error"
        assert body["database"]["status"] == "ok"
