#!/usr/bin/env python3
"""wsrepro driver for aiohttp's WebSocket client (PyPI `aiohttp`), used as its documentation
teaches:

    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(url) as ws:
            async for msg in ws: ...

    python aiohttp_driver.py URL

It sends WSREPRO_SEND once the connection is open, if set, and reads messages until the
connection ends.

Settings (WSREPRO_*, in ms; unset: the library's default):
  OPEN_TIMEOUT_MS   ClientSession(timeout=ClientTimeout(total=)): the handshake's request.
  CLOSE_TIMEOUT_MS  ws_connect(timeout=ClientWSTimeout(ws_close=)) from aiohttp 3.10 on, the
                    plain float `timeout` before (the library's default: 10 s).
  PING_INTERVAL_MS  ws_connect(heartbeat=): a ping every interval.
  PING_TIMEOUT_MS   aiohttp has no such option: it waits heartbeat / 2 for the pong
                    (unsupported_setting when set).
  SEND              a message sent once after the handshake.
  CLOSE_AFTER_MS    ws.close() that long after the handshake, from a task beside the reading.

Output: wsrepro's driver protocol (clients/DRIVER-PROTOCOL.md). Exit: 0 after a normal close,
1 after an error or an abnormal close. SIGINT is not caught: asyncio.run() ends by
KeyboardInterrupt, as a program using aiohttp would.
"""
import asyncio
import os
import platform
import sys

from wsrepro_driver import (close_later_task, emit, env_seconds, normal_close, setting_given,
                            unsupported_setting)


async def run(aiohttp, url):
    emit("api", api="aiohttp.ClientSession.ws_connect")
    open_timeout = env_seconds("WSREPRO_OPEN_TIMEOUT_MS", None)
    close_timeout = env_seconds("WSREPRO_CLOSE_TIMEOUT_MS", None)
    heartbeat = env_seconds("WSREPRO_PING_INTERVAL_MS", None)
    unsupported_setting("WSREPRO_PING_TIMEOUT_MS",
                        "aiohttp waits heartbeat / 2 for a pong; it has no pong timeout of its own")
    session_options = {}
    if open_timeout is not None:
        session_options["timeout"] = aiohttp.ClientTimeout(total=open_timeout)
    ws_options = {}
    if close_timeout is not None:
        ws_options["timeout"] = (aiohttp.ClientWSTimeout(ws_close=close_timeout)
                                 if hasattr(aiohttp, "ClientWSTimeout") else close_timeout)
    if heartbeat is not None:
        ws_options["heartbeat"] = heartbeat
        emit("keepalive", interval_ms=heartbeat * 1000, timeout_ms=heartbeat * 500,
             note="aiohttp waits heartbeat / 2 for the pong")
    emit("connecting", url=url, open_timeout=open_timeout, close_timeout=close_timeout,
         heartbeat=heartbeat)
    error = False
    async with aiohttp.ClientSession(**session_options) as session:
        try:
            ws = await session.ws_connect(url, **ws_options)
        except Exception as exc:
            emit("error", type=type(exc).__name__, message=str(exc), call="connect")
            return 1
        # As `async with session.ws_connect(url) as ws:` does: closed on the way out.
        try:
            emit("connected")
            payload = os.environ.get("WSREPRO_SEND")
            if payload:
                try:
                    await ws.send_str(payload)
                    emit("sent", bytes=len(payload.encode()))
                except Exception as exc:
                    error = True
                    emit("error", type=type(exc).__name__, message=str(exc), call="send")
            closer = close_later_task(ws.close)
            async for msg in ws:
                if msg.type == aiohttp.WSMsgType.TEXT:
                    emit("received", bytes=len(msg.data.encode()), text=msg.data[:200])
                elif msg.type == aiohttp.WSMsgType.BINARY:
                    emit("received", bytes=len(msg.data), text="")
                elif msg.type == aiohttp.WSMsgType.ERROR:
                    error = True
                    exc = ws.exception()
                    emit("error", type=type(exc).__name__, message=str(exc), call="recv")
            if closer is not None:
                await asyncio.gather(closer, return_exceptions=True)  # bounded by ws_close
        finally:
            await ws.close()
        code = ws.close_code if ws.close_code is not None else 1006
        if ws.exception() is not None and not error:
            error = True
            emit("error", type=type(ws.exception()).__name__, message=str(ws.exception()),
                 call="recv")
        emit("closed", code=code, reason="")
    return 0 if normal_close(code) and not error else 1


def main():
    import aiohttp

    emit("versions", library=aiohttp.__version__, python=platform.python_version())
    if len(sys.argv) != 2:
        emit("error", type="usage", message="aiohttp_driver.py URL")
        return 2
    return asyncio.run(run(aiohttp, sys.argv[1]))


if __name__ == "__main__":
    sys.exit(main())
