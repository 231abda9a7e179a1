#!/usr/bin/env python3
"""wsrepro driver for websocket-client (PyPI `websocket-client`, module `websocket`), used as
its README teaches.

    python websocket_client_driver.py [--api sync|app] URL

sync (default): the README's short-lived connection: create_connection(url), send WSREPRO_SEND
  if set, recv() until the connection ends (an empty read or an exception), close().
app: the README's long-lived connection: WebSocketApp(url, on_open=..., on_message=...,
  on_error=..., on_close=...).run_forever(), which returns once the connection is closed.

Settings (WSREPRO_*, in ms; unset: the library's default):
  OPEN_TIMEOUT_MS   sync: create_connection(timeout=) for the handshake, then blocking reads
                    again (the default). app: run_forever has none (unsupported_setting).
  CLOSE_TIMEOUT_MS  sync: close(timeout=) when the driver closes (the library waits 3 s by
                    default). app: none (unsupported_setting).
  PING_INTERVAL_MS, PING_TIMEOUT_MS
                    app: run_forever(ping_interval=, ping_timeout=); the library refuses a
                    timeout that is not below the interval, so the timeout is then cut to 0.9
                    of the interval and the `keepalive` event says so. sync: no keepalive
                    (unsupported_setting).
  SEND              a message sent once after the handshake.
  CLOSE_AFTER_MS    the driver closes (1000) that long after the handshake. sync: recv() with a
                    socket timeout up to that moment, then close(timeout=CLOSE_TIMEOUT_MS).
                    app: WebSocketApp.close() from a threading.Timer started in on_open, with
                    timeout=CLOSE_TIMEOUT_MS when that is set.

Output: wsrepro's driver protocol (clients/DRIVER-PROTOCOL.md). Exit: 0 after a normal close,
1 after an error or an abnormal close. SIGINT is not caught.
"""
import os
import platform
import sys
import threading
import time

from wsrepro_driver import (close_after_seconds, emit, env_seconds, normal_close, setting_given,
                            unsupported_setting)


def run_sync(websocket, url):
    unsupported_setting("WSREPRO_PING_INTERVAL_MS", "the sync WebSocket sends no keepalive pings")
    unsupported_setting("WSREPRO_PING_TIMEOUT_MS", "the sync WebSocket sends no keepalive pings")
    emit("api", api="websocket.create_connection")
    open_timeout = env_seconds("WSREPRO_OPEN_TIMEOUT_MS", None)
    close_timeout = env_seconds("WSREPRO_CLOSE_TIMEOUT_MS", 3)
    emit("connecting", url=url, open_timeout=open_timeout, close_timeout=close_timeout)
    try:
        ws = websocket.create_connection(url, timeout=open_timeout)
    except Exception as exc:
        emit("error", type=type(exc).__name__, message=str(exc), call="connect")
        return 1
    ws.settimeout(None)
    emit("connected")
    payload = os.environ.get("WSREPRO_SEND")
    close_after = close_after_seconds()
    close_at = time.monotonic() + close_after if close_after is not None else None
    try:
        if payload:
            ws.send(payload)
            emit("sent", bytes=len(payload.encode()))
        while True:
            if close_at is not None:
                left = close_at - time.monotonic()
                if left <= 0:
                    # close() sends the close frame and reads until the server's (or the
                    # timeout); it reports neither, so `closed` carries what was sent.
                    emit("closing", code=1000)
                    ws.close(timeout=close_timeout)
                    emit("closed", sent_code=1000)
                    return 0
                # The frame buffer keeps a partly read frame across timeouts.
                ws.settimeout(left)
            try:
                # control_frame=True returns at each ping (answered by the library), so a
                # server that only pings cannot keep the driver from its close.
                opcode, data = ws.recv_data(control_frame=True)
            except websocket.WebSocketTimeoutException:
                continue
            if opcode in (websocket.ABNF.OPCODE_PING, websocket.ABNF.OPCODE_PONG):
                continue
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                code = int.from_bytes(data[:2], "big") if len(data) >= 2 else 1005
                emit("closed", code=code, reason=data[2:].decode("utf-8", "replace"))
                ws.close(timeout=close_timeout)
                return 0 if normal_close(code) else 1
            emit("received", bytes=len(data),
                 text=data[:200].decode("utf-8", "replace") if opcode == websocket.ABNF.OPCODE_TEXT else "")
    except websocket.WebSocketConnectionClosedException as exc:
        emit("error", type=type(exc).__name__, message=str(exc), call="recv")
        emit("closed", code=1006, reason="")
        return 1
    except Exception as exc:
        emit("error", type=type(exc).__name__, message=str(exc), call="recv")
        return 1


def run_app(websocket, url):
    unsupported_setting("WSREPRO_OPEN_TIMEOUT_MS", "run_forever has no handshake timeout")
    close_after = close_after_seconds()
    if close_after is None:
        unsupported_setting("WSREPRO_CLOSE_TIMEOUT_MS", "run_forever has no close timeout")
    emit("api", api="websocket.WebSocketApp.run_forever")
    outcome = {"code": None, "error": False}
    payload = os.environ.get("WSREPRO_SEND")

    def close_now(ws):
        emit("closing", code=1000)
        close_timeout = env_seconds("WSREPRO_CLOSE_TIMEOUT_MS", None)
        ws.close(**({"timeout": close_timeout} if close_timeout is not None else {}))

    def on_open(ws):
        emit("connected")
        if payload:
            ws.send(payload)
            emit("sent", bytes=len(payload.encode()))
        if close_after is not None:
            timer = threading.Timer(close_after, close_now, args=(ws,))
            timer.daemon = True
            timer.start()

    def on_message(ws, message):
        data = message.encode() if isinstance(message, str) else message
        emit("received", bytes=len(data), text=message[:200] if isinstance(message, str) else "")

    def on_error(ws, exc):
        outcome["error"] = True
        emit("error", type=type(exc).__name__, message=str(exc))

    def on_close(ws, code, reason):
        outcome["code"] = code if code is not None else 1006
        emit("closed", code=outcome["code"], reason=reason or "")

    options = {}
    if setting_given("WSREPRO_PING_INTERVAL_MS"):
        interval = env_seconds("WSREPRO_PING_INTERVAL_MS", None)
        timeout = env_seconds("WSREPRO_PING_TIMEOUT_MS", None)
        fields = {"interval_ms": interval * 1000}
        if timeout is not None:
            if timeout >= interval:
                timeout = interval * 0.9
                fields["note"] = "ping_timeout cut below ping_interval, as run_forever requires"
            fields["timeout_ms"] = timeout * 1000
            options["ping_timeout"] = timeout
        options["ping_interval"] = interval
        emit("keepalive", **fields)
    elif setting_given("WSREPRO_PING_TIMEOUT_MS"):
        unsupported_setting("WSREPRO_PING_TIMEOUT_MS", "run_forever times pongs only with a ping_interval")
    emit("connecting", url=url, **{k: v for k, v in options.items()})
    app = websocket.WebSocketApp(url, on_open=on_open, on_message=on_message, on_error=on_error,
                                 on_close=on_close)
    app.run_forever(**options)
    if outcome["code"] is None:
        emit("closed", code=1006, reason="")
        return 1
    return 0 if normal_close(outcome["code"]) and not outcome["error"] else 1


def main():
    import websocket

    args = sys.argv[1:]
    api = "sync"
    if len(args) >= 2 and args[0] == "--api":
        api, args = args[1], args[2:]
    emit("versions", library=websocket.__version__, python=platform.python_version())
    if api not in ("sync", "app") or len(args) != 1:
        emit("error", type="usage", message="websocket_client_driver.py [--api sync|app] URL")
        return 2
    return run_sync(websocket, args[0]) if api == "sync" else run_app(websocket, args[0])


if __name__ == "__main__":
    sys.exit(main())
