"""A bare `websockets` relay for bench_chat_load: no Django, no channel layer, no database.

A client's first frame says which pair it belongs to, `{"type": "join", "pair": 3, "role": "student"}`,
and is answered with `{"type": "joined"}`; every later frame is forwarded unchanged to the other member
of the pair (dropped while that member is not connected). GET /healthz answers 200.

    python bench/relay_websockets.py --port 8765
"""

import argparse
import asyncio
import contextlib
import json
from http import HTTPStatus

from websockets.asyncio.server import serve
from websockets.exceptions import ConnectionClosed

OTHER = {"student": "counselor", "counselor": "student"}
members = {}  # (pair, role) -> connection


async def relay(ws):
    try:
        join = json.loads(await ws.recv())
        me = (join["pair"], join["role"])
        other = (join["pair"], OTHER[join["role"]])
    except (ValueError, KeyError, TypeError):
        await ws.close(code=4400, reason="the first frame must be a join")
        return
    except ConnectionClosed:
        return
    members[me] = ws
    try:
        await ws.send('{"type": "joined"}')
        async for frame in ws:
            peer = members.get(other)
            if peer is not None:
                with contextlib.suppress(ConnectionClosed):
                    await peer.send(frame)
    except ConnectionClosed:
        pass
    finally:
        if members.get(me) is ws:
            del members[me]


def health(connection, request):
    if request.path == "/healthz":
        return connection.respond(HTTPStatus.OK, "ok\n")
    return None


async def main(host, port):
    async with serve(relay, host, port, compression=None, process_request=health, max_size=2**22, max_queue=None):
        await asyncio.get_running_loop().create_future()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    asyncio.run(main(args.host, args.port))
