#!/usr/bin/env python3
"""wsrepro driver for seed bug 3 with the threading ("sync") client.

    python sync_keepalive.py URL

websockets.sync.client.connect has keepalive parameters only from 15.0:
- 15.0+: connect(URL, ping_interval=1, ping_timeout=1, close_timeout=2), like
  asyncio_keepalive.py; a stalled peer is detected in about 4 s;
- 11.0 to 14.2: connect(URL, close_timeout=2) without them (the `api` event says
  "keepalive": false); the client sends no ping and blocks in recv() until killed.
- 10.4 and older: no sync client, `error` of type "unsupported", exit 3.
Then recv() until it raises. Whether keepalive is available is decided from
connect()'s signature, not from the version number.

Timeouts: WSREPRO_PING_INTERVAL_MS, WSREPRO_PING_TIMEOUT_MS, WSREPRO_CLOSE_TIMEOUT_MS,
WSREPRO_OPEN_TIMEOUT_MS (default: the library's 10 s). WSREPRO_SEND, if set, is
sent once after the handshake.
Exit: 0 on ConnectionClosedOK, 1 on any other exception.
"""
import inspect
import os
import platform
import sys

from wsrepro_driver import emit, env_seconds, close_fields


def main():
    import websockets
    emit("versions", library=websockets.version.version,
         python=platform.python_version())
    url = sys.argv[1]
    try:
        from websockets.sync.client import connect  # 11.0+
    except ImportError as exc:
        emit("api", api="none")
        emit("error", type="unsupported",
             message=f"websockets {websockets.version.version} has no sync client ({exc})")
        return 3

    keepalive = "ping_interval" in inspect.signature(connect).parameters  # 15.0+
    kwargs = {"close_timeout": env_seconds("WSREPRO_CLOSE_TIMEOUT_MS", 2)}
    if keepalive:
        kwargs["ping_interval"] = env_seconds("WSREPRO_PING_INTERVAL_MS", 1)
        kwargs["ping_timeout"] = env_seconds("WSREPRO_PING_TIMEOUT_MS", 1)
    if os.environ.get("WSREPRO_OPEN_TIMEOUT_MS"):
        kwargs["open_timeout"] = env_seconds("WSREPRO_OPEN_TIMEOUT_MS", 10)
    emit("api", api="websockets.sync.client.connect", keepalive=keepalive)

    from websockets.exceptions import ConnectionClosed, ConnectionClosedOK
    emit("connecting", url=url, **kwargs)
    try:
        ws = connect(url, **kwargs)
    except Exception as exc:
        emit("error", type=type(exc).__name__, message=str(exc))
        return 1
    emit("connected")
    try:
        payload = os.environ.get("WSREPRO_SEND")
        if payload:
            ws.send(payload)
            emit("sent", bytes=len(payload.encode()))
        while True:
            message = ws.recv()
            data = message.encode() if isinstance(message, str) else message
            emit("received", bytes=len(data),
                 text=message[:200] if isinstance(message, str) else "")
    except ConnectionClosed as exc:
        if not isinstance(exc, ConnectionClosedOK):
            emit("error", type=type(exc).__name__, message=str(exc))
        emit("closed", **close_fields(exc))
        return 0 if isinstance(exc, ConnectionClosedOK) else 1
    except Exception as exc:
        emit("error", type=type(exc).__name__, message=str(exc))
        return 1


if __name__ == "__main__":
    sys.exit(main())
