"""Timing what a test asserts on, on the clock of the server's events (CLOCK_MONOTONIC)."""

import contextlib
import time


class Measurement:
    """A span on CLOCK_MONOTONIC, in nanoseconds like the events' ``t_ns``."""

    def __init__(self, start_ns):
        self.start_ns = start_ns
        self.end_ns = None

    @property
    def elapsed_ns(self):
        end = self.end_ns if self.end_ns is not None else time.monotonic_ns()
        return end - self.start_ns

    @property
    def elapsed(self):
        """Seconds (so far, inside the block)."""
        return self.elapsed_ns / 1e9

    @property
    def elapsed_ms(self):
        return self.elapsed_ns / 1e6

    def __repr__(self):
        state = "" if self.end_ns is not None else ", running"
        return f"Measurement(elapsed_ms={self.elapsed_ms:.3f}{state})"


@contextlib.contextmanager
def measure(since=None):
    """``with measure() as m: ...`` then ``m.elapsed`` (s) or ``m.elapsed_ms``.

    ``since`` starts the span at a server event instead of now (an event dict from
    ``MockServer.wait_for``, or a ``t_ns``): the time from the server's fault to the client's
    reaction, on one clock. The span ends when the block ends, even by an exception.
    """
    if since is None:
        start = time.monotonic_ns()
    elif isinstance(since, dict):
        start = int(since["t_ns"])
    else:
        start = int(since)
    m = Measurement(start)
    try:
        yield m
    finally:
        m.end_ns = time.monotonic_ns()
