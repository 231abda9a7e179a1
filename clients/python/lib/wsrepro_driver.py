"""Shared by wsrepro's Python drivers: the driver protocol (one JSON event per line on stdout,
stamped with CLOCK_MONOTONIC, flushed at once) and the WSREPRO_* settings. Standard library only,
so it works in any venv the harness makes; the drivers import it from their own directory."""
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
