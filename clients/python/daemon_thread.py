#!/usr/bin/env python3
"""wsrepro driver for seed bug 4 (python-websockets #1455): a daemon thread
cannot end the program.

    python daemon_thread.py URL

The recipe, exactly: ws = connect(URL) with the sync client; start a daemon
thread iterating `ws` (each message printed, here as a `received` event); print
a `marker` event; fall off the end of the script. Against a server that stays
silent with TCP open, 11.0 and 12.0 never exit (the library's own reader thread
is not a daemon); 13.0+ exit about 0.1 s after the marker with code 0. The
harness measures marker -> exit (a window from driver.marker to client.exit).
10.4 and older (no sync client): `error` of type "unsupported", exit 3.
WSREPRO_OPEN_TIMEOUT_MS overrides the library's default open timeout.
"""
import os
import platform
import sys
import threading


import websockets

from wsrepro_driver import emit

emit("versions", library=websockets.version.version, python=platform.python_version())
try:
    from websockets.sync.client import connect  # 11.0+
except ImportError as exc:
    emit("api", api="none")
    emit("error", type="unsupported",
         message=f"websockets {websockets.version.version} has no sync client ({exc})")
    sys.exit(3)
emit("api", api="websockets.sync.client.connect")

url = sys.argv[1]
kwargs = {}
if os.environ.get("WSREPRO_OPEN_TIMEOUT_MS"):
    kwargs["open_timeout"] = int(os.environ["WSREPRO_OPEN_TIMEOUT_MS"]) / 1000.0
emit("connecting", url=url)
try:
    ws = connect(url, **kwargs)
except Exception as exc:
    emit("error", type=type(exc).__name__, message=str(exc))
    sys.exit(1)
emit("connected")


def reader():
    # The recipe's `[print(m) for m in ws]`, with each message as a driver event.
    for m in ws:
        data = m.encode() if isinstance(m, str) else m
        emit("received", bytes=len(data), text=m[:200] if isinstance(m, str) else "")


threading.Thread(target=reader, daemon=True).start()
emit("marker", name="end_of_main")
# Fall off the end: only non-daemon threads can keep the process alive now.
