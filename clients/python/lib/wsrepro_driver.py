"""Shared by wsrepro's Python drivers: the driver protocol (one JSON event per line on stdout,
stamped with CLOCK_MONOTONIC, flushed at once) and the WSREPRO_* settings. Standard library only,
so it works in any venv the harness makes; the drivers import it from their own directory."""
import asyncio
import json
import os
import time


def emit(event, **fields):
    """Print one driver event, stamped with CLOCK_MONOTONIC, flushed at once."""
    print(json.dumps({"event": event, "t": time.monotonic(), **fields}), flush=True)



def env_seconds(name, default):
    """A WSREPRO_*_MS variable in seconds, or the recipe's default."""
    value = os.environ.get(name)
    return int(value) / 1000.0 if value else default


def close_after_seconds():
    """WSREPRO_CLOSE_AFTER_MS in seconds: how long after the connection opened the driver starts
    a normal close (1000) itself, reading on meanwhile; None when the scenario leaves the
    closing to the server or to a signal."""
    return env_seconds("WSREPRO_CLOSE_AFTER_MS", None)


def close_later_task(close):
    """For asyncio drivers: with WSREPRO_CLOSE_AFTER_MS set, a task beside the reading that calls
    `close` (the library's close coroutine function) that long from now; None otherwise."""
    seconds = close_after_seconds()
    if seconds is None:
        return None

    async def later():
        await asyncio.sleep(seconds)
        emit("closing", code=1000)
        await close()
    return asyncio.create_task(later())


def setting_given(name):
    """Whether the scenario set this client setting (WSREPRO_<NAME>)."""
    return bool(os.environ.get(name))


def unsupported_setting(name, message):
    """The scenario set a client setting the library has no option for: said once, as an
    event, and the driver goes on with the library's default (the run shows what that does)."""
    if setting_given(name):
        emit("unsupported_setting", setting=name, message=message)


def normal_close(code):
    """A close code that ends a connection normally (1005: a close frame without a code)."""
    return code in (1000, 1001, 1005)



def close_fields(exc):
    """Close frames carried by a ConnectionClosed (rcvd/sent, 10.0+): received code and reason
    (1006 when none came), and what the client sent (None if it sent no close frame)."""
    rcvd, sent = getattr(exc, "rcvd", None), getattr(exc, "sent", None)
    return {
        "code": rcvd.code if rcvd else 1006,
        "reason": rcvd.reason if rcvd else "",
        "sent_code": sent.code if sent else None,
        "sent_reason": sent.reason if sent else None,
    }
