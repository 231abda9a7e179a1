#!/usr/bin/env python3
"""wsrepro driver for seed bug 5 (python-websockets #1463): send() succeeds after
the server closed.

    python send_after_close.py URL

Uses the default `websockets.connect` of each version (asyncio): the legacy
client up to 13.x, the new one (websockets.asyncio.client) from 14.0. Connects,
calls send() three times reporting each outcome (`sent` or `error`), reports
the connection's `state`, then calls recv() once and reports what it returns
(`received`) or raises (`error` + `closed`). Against a server that writes the 101
and a close frame in one write: 10.4 and 14.0+ raise on the first send (state
CLOSED/CLOSING), 11.0 to 13.x send three times (state OPEN) and recv() raises
ConnectionClosedOK.

Timeouts: WSREPRO_OPEN_TIMEOUT_MS, WSREPRO_CLOSE_TIMEOUT_MS (default: the
library's 10 s). WSREPRO_SEND is the message to send (default "hello").
Exit: 0 whatever the outcome (the events carry it), 1 if connect() fails.
"""
import asyncio
import os
import platform
import sys

from wsrepro_driver import emit, close_fields


def state_name(ws):
    """Connection state: `ws.state` (legacy client, new client from 13.0), else
    the Sans-I/O protocol's state."""
    state = getattr(ws, "state", None)
    if state is None:
        state = ws.protocol.state
    return getattr(state, "name", str(state))


async def run(url):
    import websockets
    from websockets.exceptions import ConnectionClosed
    kwargs = {}
    for key, name in (("open_timeout", "WSREPRO_OPEN_TIMEOUT_MS"),
                      ("close_timeout", "WSREPRO_CLOSE_TIMEOUT_MS")):
        if os.environ.get(name):
            kwargs[key] = int(os.environ[name]) / 1000.0
    emit("connecting", url=url, **kwargs)
    try:
        ws = await websockets.connect(url, **kwargs)
    except Exception as exc:
        emit("error", type=type(exc).__name__, message=str(exc))
        return 1
    emit("connected")
    emit("state", state=state_name(ws))

    payload = os.environ.get("WSREPRO_SEND") or "hello"
    for attempt in (1, 2, 3):
        try:
            await ws.send(payload)  # does not yield to the event loop before writing
            emit("sent", bytes=len(payload.encode()), attempt=attempt)
        except Exception as exc:
            emit("error", type=type(exc).__name__, message=str(exc), attempt=attempt)
    emit("state", state=state_name(ws))

    try:
        message = await ws.recv()
        data = message.encode() if isinstance(message, str) else message
        emit("received", bytes=len(data), text=message[:200] if isinstance(message, str) else "")
    except ConnectionClosed as exc:
        emit("error", type=type(exc).__name__, message=str(exc), call="recv")
        emit("closed", **close_fields(exc))
    except Exception as exc:
        emit("error", type=type(exc).__name__, message=str(exc), call="recv")
    emit("state", state=state_name(ws))
    await ws.close()  # returns at once if already closed; else a normal close
    return 0


def main():
    import websockets
    emit("versions", library=websockets.version.version,
         python=platform.python_version())
    emit("api", api=f"{websockets.connect.__module__}.connect")
    return asyncio.run(run(sys.argv[1]))


if __name__ == "__main__":
    sys.exit(main())
