#!/usr/bin/env python3
"""wsrepro driver for seed bug 3 (python-websockets #1430, #1298): how an asyncio
client notices a peer that stopped answering pings.

    python asyncio_keepalive.py URL [--api new|legacy|default]

Connects with ping_interval=1, ping_timeout=1, close_timeout=2 (seconds), then
calls recv() until it raises. Reports the close code the client sent (from the
exception's `sent` close frame) in the `closed` event as `sent_code`.

--api default  websockets.connect: legacy client up to 13.x, new one from 14.0
--api legacy   websockets.legacy.client.connect (every version)
--api new      websockets.asyncio.client.connect (13.0+; before that: exit 3)

Timeouts: WSREPRO_PING_INTERVAL_MS, WSREPRO_PING_TIMEOUT_MS, WSREPRO_CLOSE_TIMEOUT_MS,
WSREPRO_OPEN_TIMEOUT_MS (default: the library's 10 s) override the recipe's values.
WSREPRO_SEND, if set, is sent once after the handshake (slow_handler variant).
WSREPRO_CLOSE_AFTER_MS, if set: close() that long after the handshake, from a task beside recv().
Exit: 0 on a clean close (ConnectionClosedOK), 1 on any other exception, 3 if
the API asked for does not exist in this version.
"""
import argparse
import asyncio
import os
import platform
import sys

from wsrepro_driver import close_later_task, close_fields, emit, env_seconds


def pick_connect(api):
    """Return (connect, api name), or (None, reason) if absent in this version."""
    import websockets
    if api == "default":
        return websockets.connect, f"{websockets.connect.__module__}.connect"
    if api == "legacy":
        from websockets.legacy.client import connect  # deprecated from 14.0: a warning on stderr
        return connect, "websockets.legacy.client.connect"
    try:
        from websockets.asyncio.client import connect  # 13.0+
    except ImportError as exc:
        return None, str(exc)
    return connect, "websockets.asyncio.client.connect"


async def run(url, connect):
    from websockets.exceptions import ConnectionClosed, ConnectionClosedOK
    kwargs = dict(
        ping_interval=env_seconds("WSREPRO_PING_INTERVAL_MS", 1),
        ping_timeout=env_seconds("WSREPRO_PING_TIMEOUT_MS", 1),
        close_timeout=env_seconds("WSREPRO_CLOSE_TIMEOUT_MS", 2),
    )
    if os.environ.get("WSREPRO_OPEN_TIMEOUT_MS"):
        kwargs["open_timeout"] = env_seconds("WSREPRO_OPEN_TIMEOUT_MS", 10)
    emit("connecting", url=url, **kwargs)
    try:
        ws = await connect(url, **kwargs)
    except Exception as exc:
        emit("error", type=type(exc).__name__, message=str(exc))
        return 1
    emit("connected")
    closer = close_later_task(ws.close)
    try:
        payload = os.environ.get("WSREPRO_SEND")
        if payload:
            await ws.send(payload)
            emit("sent", bytes=len(payload.encode()))
        while True:
            message = await ws.recv()
            data = message.encode() if isinstance(message, str) else message
            emit("received", bytes=len(data),
                 text=message[:200] if isinstance(message, str) else "")
    except ConnectionClosed as exc:
        if closer is not None:
            await asyncio.gather(closer, return_exceptions=True)  # bounded by close_timeout
        if not isinstance(exc, ConnectionClosedOK):
            emit("error", type=type(exc).__name__, message=str(exc))
        emit("closed", **close_fields(exc))
        return 0 if isinstance(exc, ConnectionClosedOK) else 1
    except Exception as exc:
        emit("error", type=type(exc).__name__, message=str(exc))
        return 1


def main():
    import websockets
    emit("versions", library=websockets.version.version,
         python=platform.python_version())
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--api", choices=("new", "legacy", "default"), default="default")
    args = parser.parse_args()
    connect, name = pick_connect(args.api)
    if connect is None:
        emit("api", api="none", requested=args.api)
        emit("error", type="unsupported", message=f"no new asyncio client: {name}")
        return 3
    emit("api", api=name, requested=args.api)
    return asyncio.run(run(args.url, connect))


if __name__ == "__main__":
    sys.exit(main())
