"""core.autobahn_logs: Autobahn's debug lines cost nothing while debug logging is off, and a line
that is written reads as before."""

from pprint import pformat

from autobahn import util
from autobahn.twisted import websocket as twisted_websocket
from autobahn.websocket import protocol

from ekonseling.core import autobahn_logs


def test_installed_by_the_asgi_application():
    import ekonseling.asgi  # noqa: F401 - the Daphne process imports it

    assert protocol.pformat is autobahn_logs.lazy_pformat
    assert protocol.hltype is twisted_websocket.hltype is autobahn_logs.lazy_hltype
    assert protocol.hlval is twisted_websocket.hlval is autobahn_logs.lazy_hlval


def test_nothing_is_formatted_until_the_line_is_written(monkeypatch):
    calls = []
    monkeypatch.setattr(util, "hltype", lambda obj: calls.append(obj) or "<x>")
    lazy = autobahn_logs.lazy_hltype(test_nothing_is_formatted_until_the_line_is_written)
    assert calls == []
    assert f"{lazy}: done" == "<x>: done"
    assert len(calls) == 1


def test_a_written_line_reads_as_before():
    settings = [("autoPingInterval", 0, "WebSocketServerFactory"), ("maxFramePayloadSize", 0, "Factory")]
    method = protocol.WebSocketProtocol.sendData
    line = "{func} sent {n} bytes to {peer}\n{attrs}"
    before = line.format(
        func=util.hltype(method), n=util.hlval(12), peer=util.hlval("tcp:1.2.3.4:5"), attrs=pformat(settings)
    )
    after = line.format(
        func=autobahn_logs.lazy_hltype(method),
        n=autobahn_logs.lazy_hlval(12),
        peer=autobahn_logs.lazy_hlval("tcp:1.2.3.4:5"),
        attrs=autobahn_logs.lazy_pformat(settings),
    )
    assert after == before
    assert str(autobahn_logs.lazy_pformat(settings)) == pformat(settings)


def test_timings_still_print_as_text():
    autobahn_logs.install()
    timings = protocol.Timings()
    timings.track("onOpen")
    assert isinstance(str(timings), str) and "onOpen" in str(timings)
