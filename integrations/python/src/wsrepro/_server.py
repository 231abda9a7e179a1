"""One ``wsrepro serve`` process: started, its events read live on a thread, stopped for sure."""

import json
import os
import selectors
import signal
import subprocess
import threading
import time

from ._locate import find_wsrepro


class MockServerError(RuntimeError):
    """The server could not start (an unknown behaviour or parameter: wsrepro's own message)."""


def _setting(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)


def _event_name(kind):
    # "accept" means the server's: wsrepro serve's events all come from the server.
    return kind if "." in kind else "server." + kind


class MockServer:
    """A running mock server. Use ``start_mock`` (or the pytest fixture) rather than this class.

    ``url``, ``port``, ``pid``, ``ca_file`` (with ``tls=True``, else None); ``events``: what the
    server has logged so far, one dict per event (``event``, ``t_ns``, ``t_ms``, ``conn``, ...).
    """

    def __init__(self, behaviour, params=None, *, tls=False, wsrepro=None, startup_timeout=10.0,
                 request_timeout_ms=None, events_buffer_kib=None):
        self.behaviour = behaviour
        self.executable = find_wsrepro(wsrepro)
        argv = [self.executable, "serve", behaviour, "--json", "--stop-with-parent"]
        if tls:
            argv.append("--tls")
        if request_timeout_ms is not None:
            argv += ["--request-timeout-ms", str(int(request_timeout_ms))]
        if events_buffer_kib is not None:
            argv += ["--events-buffer-kib", str(int(events_buffer_kib))]
        for key, value in (params or {}).items():
            argv += ["--set", f"{key}={_setting(value)}"]
        self.argv = argv
        self._events = []
        self._changed = threading.Condition()
        self._ended = False
        self._stderr = []
        # stdin: a pipe we hold and never write; if this process dies, the server sees EOF.
        self._process = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            close_fds=True, start_new_session=True)
        try:
            first = self._read_first_line(startup_timeout)
        except BaseException:
            self._kill()
            raise
        self.url = first["url"]
        self.port = first["port"]
        self.pid = first["pid"]
        self.ca_file = first.get("ca_file")
        self._reader = threading.Thread(target=self._read_events, name=f"wsrepro-{behaviour}",
                                        daemon=True)
        self._reader.start()
        self._stderr_reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._stderr_reader.start()

    # -- starting -------------------------------------------------------------------------------

    def _read_first_line(self, timeout):
        selector = selectors.DefaultSelector()
        selector.register(self._process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout
        line = b""
        fd = self._process.stdout.fileno()
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(left):
                raise MockServerError(
                    f"wsrepro serve {self.behaviour} printed no URL within {timeout} s")
            chunk = os.read(fd, 1)  # byte by byte: what follows the line is the reader's
            if not chunk:
                self._process.wait(timeout=5)
                err = self._process.stderr.read().decode(errors="replace").strip()
                raise MockServerError(
                    f"wsrepro serve {self.behaviour} exited with {self._process.returncode}: "
                    f"{err or '(no message)'}")
            line += chunk
        selector.close()
        return json.loads(line)

    def _read_events(self):
        for raw in self._process.stdout:
            try:
                event = json.loads(raw)
            except ValueError:
                continue
            with self._changed:
                self._events.append(event)
                self._changed.notify_all()
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    def _read_stderr(self):
        for raw in self._process.stderr:
            self._stderr.append(raw.decode(errors="replace"))

    # -- events ---------------------------------------------------------------------------------

    @property
    def events(self):
        """A copy of every event so far, in order."""
        with self._changed:
            return list(self._events)

    def events_of(self, kind):
        name = _event_name(kind)
        return [e for e in self.events if e.get("event") == name]

    def wait_for(self, kind, timeout=5.0, *, count=1, where=None):
        """The ``count``-th event of this kind (``"server.accept"`` or ``"accept"``) that also
        satisfies ``where(event)``, waiting up to ``timeout`` seconds; TimeoutError otherwise,
        naming what the server did log."""
        name = _event_name(kind)
        deadline = time.monotonic() + timeout

        def matches():
            return [e for e in self._events
                    if e.get("event") == name and (where is None or where(e))]

        with self._changed:
            while True:
                found = matches()
                if len(found) >= count:
                    return found[count - 1]
                left = deadline - time.monotonic()
                if left <= 0 or self._ended:
                    seen = sorted({e.get("event") for e in self._events})
                    why = "the server ended" if self._ended else f"not within {timeout} s"
                    raise TimeoutError(
                        f"{name} x{count} from {self.behaviour}: {why}; saw {len(found)} of "
                        f"them among {len(self._events)} events ({', '.join(seen)})")
                self._changed.wait(left)

    # -- stopping -------------------------------------------------------------------------------

    @property
    def running(self):
        return self._process.poll() is None

    def close(self, timeout=5.0):
        """Stops the server (SIGTERM, then SIGKILL past ``timeout``); its exit code."""
        if self._process.poll() is None:
            try:
                self._process.send_signal(signal.SIGTERM)
                self._process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._kill()
        self._reader.join(timeout=timeout)
        self._stderr_reader.join(timeout=timeout)
        for stream in (self._process.stdin, self._process.stdout, self._process.stderr):
            try:
                stream.close()
            except OSError:
                pass
        return self._process.returncode

    def _kill(self):
        try:
            os.killpg(self._process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._process.wait()

    @property
    def stderr(self):
        return "".join(self._stderr)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __repr__(self):
        return f"MockServer({self.behaviour!r}, url={self.url!r}, events={len(self._events)})"


def start_mock(behaviour, *, tls=False, wsrepro=None, startup_timeout=10.0,
               request_timeout_ms=None, events_buffer_kib=None, **params):
    """Starts ``wsrepro serve BEHAVIOUR`` with ``params`` as its ``--set KEY=VALUE`` settings.

    Returns a started MockServer, also a context manager that stops it::

        with start_mock("stall", mode="discard") as server:
            ...connect to server.url...
            server.wait_for("server.accept", timeout=2)

    A misspelt behaviour or parameter raises MockServerError with wsrepro's did-you-mean.
    """
    return MockServer(behaviour, params, tls=tls, wsrepro=wsrepro,
                      startup_timeout=startup_timeout, request_timeout_ms=request_timeout_ms,
                      events_buffer_kib=events_buffer_kib)
