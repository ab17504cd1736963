"""core.realtime: the one broadcaster."""


def test_publish_outside_a_loop_sends_in_order_and_collect_hands_events_back(settings):
    """core.realtime: a sync caller's events reach the layer in order; a batch writer's thread
    collects them instead, to send from its own loop."""
    from asgiref.sync import async_to_sync
    from channels.layers import channel_layers, get_channel_layer

    from ekonseling.core import realtime

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)("g", channel)

    with realtime.collect() as collected:
        realtime.publish([("g", {"type": "x.one"})])
    realtime.publish([("g", {"type": "x.two"}), ("g", {"type": "x.three"})])

    assert collected == [("g", {"type": "x.one"})]
    received = [async_to_sync(layer.receive)(channel)["type"] for _ in range(2)]
    assert received == ["x.two", "x.three"]
    channel_layers.backends.clear()


def test_a_failing_channel_layer_is_logged_never_raised(settings, caplog):
    """The store is the guarantee: a broadcast that cannot go out must not undo or fail a change."""
    from channels.layers import channel_layers

    from ekonseling.core import realtime

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "no.such.Layer"}}
    channel_layers.backends.clear()

    realtime.publish([("g", {"type": "x.one"})])

    assert "could not broadcast" in caplog.text
    channel_layers.backends.clear()


def test_refresh_events_name_each_user_once_and_nobody_for_none():
    from ekonseling.core import realtime

    assert realtime.refresh_events([3, None, 1, 3, 0]) == [
        ("user.1", {"type": "live.refresh"}),
        ("user.3", {"type": "live.refresh"}),
    ]


def test_send_all_hands_a_batching_layer_the_whole_batch_and_logs_each_failed_event(settings, caplog):
    """A layer with group_send_many (core.channel_layers) gets the events at once, in order; each
    event it could not send is logged as a failed group_send would be."""
    from asgiref.sync import async_to_sync

    from ekonseling.core import realtime

    class BatchingLayer:
        def __init__(self):
            self.batches = []

        async def group_send_many(self, events):
            self.batches.append(list(events))
            return [None, RuntimeError("gone")]

        async def group_send(self, group, event):
            raise AssertionError("sent one by one")

    layer = BatchingLayer()
    events = [("g", {"type": "x.one"}), ("h", {"type": "x.two"})]
    original = realtime.get_channel_layer
    realtime.get_channel_layer = lambda: layer
    try:
        async_to_sync(realtime.send_all)(events)
    finally:
        realtime.get_channel_layer = original

    assert layer.batches == [events]
    assert "could not send x.two to h" in caplog.text
    assert "x.one" not in caplog.text
