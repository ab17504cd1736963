"""Autobahn's debug lines formatted only when written: Daphne's WebSocket server pays for them today.

Daphne serves WebSockets with Autobahn, which builds the arguments of its debug log lines before
it knows whether they are written: on every connection a `pprint.pformat` of its 29 settings and of
the transport's details, coloured names of its methods (`hltype`, `hlval`: click.style) on every
handshake step, and again on every frame sent and received. With debug logging off (ours: txaio
then makes `log.debug` a no-op) all of it is thrown away: about 0.1 ms of CPU per connection, a
twentieth of a socket's connect, and 2 us per frame.

`install()` (ekonseling.asgi, the Daphne process) hands Autobahn's two modules that log per
connection and per frame stand-ins that only note what to format: a line that is written says
exactly what it said before, formatted when it is written.
"""

from __future__ import annotations

from collections.abc import Callable
from pprint import pformat
from typing import Any

from autobahn import util
from autobahn.twisted import websocket as twisted_websocket
from autobahn.websocket import protocol


class Lazy:
    """`render(value)`, computed when the log line is formatted (str() or a format field)."""

    __slots__ = ("render", "value")

    def __init__(self, render: Callable[[Any], str], value: Any) -> None:
        self.render = render
        self.value = value

    def __str__(self) -> str:
        return self.render(self.value)

    def __format__(self, spec: str) -> str:
        return format(self.render(self.value), spec)

    def __repr__(self) -> str:
        return self.render(self.value)


def lazy_pformat(value: Any) -> Lazy:
    return Lazy(pformat, value)


def lazy_hltype(value: Any) -> Lazy:
    return Lazy(util.hltype, value)


def lazy_hlval(value: Any) -> Lazy:
    return Lazy(util.hlval, value)


def _timings_text(timings: protocol.Timings) -> str:
    return pformat(timings._timings)


def install() -> None:
    """Idempotent; only the names these modules log with change, util's own functions stay. The
    one use of `pformat` in `protocol` that is no log argument, `Timings.__str__`, keeps the real one."""
    protocol.pformat = lazy_pformat
    protocol.Timings.__str__ = _timings_text
    for module in (protocol, twisted_websocket):
        module.hltype = lazy_hltype
        module.hlval = lazy_hlval
