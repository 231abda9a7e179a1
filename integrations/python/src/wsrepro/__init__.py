"""wsrepro's misbehaving WebSocket servers inside Python tests.

Start any behaviour of ``wsrepro serve`` as a context manager (or, under pytest, with the
``wsrepro_server`` fixture), wait for what it saw, time what you assert on, and measure how fast a
program reacts to Ctrl+C. Times are on CLOCK_MONOTONIC, the clock of the server's events.
"""

from ._interrupt import InterruptResult, interrupt_latency
from ._locate import WsreproNotFound, find_wsrepro
from ._measure import Measurement, measure
from ._server import MockServer, MockServerError, start_mock

__all__ = [
    "InterruptResult",
    "Measurement",
    "MockServer",
    "MockServerError",
    "WsreproNotFound",
    "find_wsrepro",
    "interrupt_latency",
    "measure",
    "start_mock",
]
