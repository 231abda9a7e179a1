#!/usr/bin/env python3
"""wsrepro driver for seed bug 1 (python-websockets #1592, #1596): the threading
("sync") client after a refused upgrade.

    python sync_connect.py URL

Calls websockets.sync.client.connect(URL, open_timeout=30, close_timeout=3)
(11.0 and later). On an exception it prints an `error` event and exits 1: the
harness times the exit from the 302. If the handshake succeeds it sends
WSREPRO_SEND (if set), waits for one answer, closes and exits 0.
On 10.4 and older (no sync client) it prints an `error` of type "unsupported"
and exits 3.

Timeouts: WSREPRO_OPEN_TIMEOUT_MS / WSREPRO_CLOSE_TIMEOUT_MS override 30 s / 3 s.
Output: one JSON event per line on stdout (wsrepro's driver protocol).
"""
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
    emit("api", api="websockets.sync.client.connect")

    open_timeout = env_seconds("WSREPRO_OPEN_TIMEOUT_MS", 30)
    close_timeout = env_seconds("WSREPRO_CLOSE_TIMEOUT_MS", 3)
    emit("connecting", url=url, open_timeout=open_timeout, close_timeout=close_timeout)
    try:
        ws = connect(url, open_timeout=open_timeout, close_timeout=close_timeout)
    except Exception as exc:  # InvalidStatus / InvalidStatusCode, TimeoutError, OSError...
        emit("error", type=type(exc).__name__, message=str(exc))
        return 1
    emit("connected")

    from websockets.exceptions import ConnectionClosed
    status = 0
    try:
        payload = os.environ.get("WSREPRO_SEND")
        if payload:
            ws.send(payload)
            emit("sent", bytes=len(payload.encode()))
            message = ws.recv()
            data = message.encode() if isinstance(message, str) else message
            emit("received", bytes=len(data),
                 text=message[:200] if isinstance(message, str) else "")
        ws.close()
        emit("closed", code=1000, reason="")
    except ConnectionClosed as exc:
        emit("error", type=type(exc).__name__, message=str(exc))
        emit("closed", **close_fields(exc))
        status = 1
    except Exception as exc:
        emit("error", type=type(exc).__name__, message=str(exc))
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
