"""How fast a program reacts to Ctrl+C: run it in a subprocess, signal its process group (as a
terminal does), and time its exit from the signal on CLOCK_MONOTONIC through a pidfd. An exit
the helper caused (its kill at the deadline) is reported as such, never as the program's."""

import json
import os
import select
import signal as signals
import subprocess
import sys
import time

_RUNNER = "wsrepro._run_target"


class InterruptResult:
    """What happened. ``ended_by``: ``"exit"`` (it exited by itself, ``exit_code``),
    ``"signal"`` (the signal's default action ended it, ``term_signal``), ``"deadline"`` (it did
    not end: killed, ``latency`` is None) or ``"before_signal"`` (it ended before being signalled;
    ``latency`` is None)."""

    def __init__(self):
        self.latency = None
        self.ended_by = None
        self.exit_code = None
        self.term_signal = None
        self.signalled_at_ns = None
        self.ended_at_ns = None
        self.stdout = ""
        self.stderr = ""

    @property
    def latency_ms(self):
        return None if self.latency is None else self.latency * 1000.0

    @property
    def interrupted(self):
        """It ended, by itself or by the signal, after being signalled."""
        return self.ended_by in ("exit", "signal")

    def __repr__(self):
        lat = "None" if self.latency is None else f"{self.latency * 1000:.1f} ms"
        return (f"InterruptResult(ended_by={self.ended_by!r}, latency={lat}, "
                f"exit_code={self.exit_code}, term_signal={self.term_signal})")


def _argv_for(target, args):
    if callable(target):
        module = getattr(target, "__module__", None)
        qualname = getattr(target, "__qualname__", "")
        if module in (None, "__main__") or "<locals>" in qualname or "<lambda>" in qualname:
            raise TypeError(
                "interrupt_latency runs a callable in a fresh interpreter by its module and "
                f"name: {qualname or target!r} must be a module-level function of an importable "
                "module (not a lambda, a nested function or __main__)")
        spec = json.dumps({"module": module, "qualname": qualname, "args": list(args)})
        return [sys.executable, "-m", _RUNNER, "call", spec]
    argv = [str(a) for a in target] + [str(a) for a in args]
    if not argv:
        raise ValueError("interrupt_latency: an empty command")
    return [sys.executable, "-m", _RUNNER, "exec", *argv]


def _wait_exit(process, pidfd, deadline):
    """True when the process ended before ``deadline`` (a CLOCK_MONOTONIC second)."""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return process.poll() is not None
        if pidfd is not None:
            ready, _, _ = select.select([pidfd], [], [], left)
            if ready:
                return True
        else:
            try:
                process.wait(timeout=min(left, 0.005))
                return True
            except subprocess.TimeoutExpired:
                pass


def interrupt_latency(target, args=(), *, after=None, server=None, on_event=None,
                      deadline=10.0, signal=signals.SIGINT, env=None, cwd=None):
    """Runs ``target`` (a module-level function, or a command as a list) in a subprocess with
    default signal dispositions, sends ``signal`` to its process group once it is due, and times
    its exit from that moment.

    When: ``after`` seconds from the start, or, with ``server`` and ``on_event``, when the server
    logs that event (then ``after`` more seconds, default none). ``deadline``: seconds from the
    signal before the tree is killed (``ended_by == "deadline"``).
    """
    if on_event is not None and server is None:
        raise ValueError("on_event needs the server that logs it")
    if on_event is None and after is None:
        raise ValueError("say when to signal: after=SECONDS, or server= and on_event=")
    argv = _argv_for(target, args)
    child_env = dict(os.environ if env is None else env)
    # The callable's module is found where this process finds it.
    child_env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=child_env, cwd=cwd,
                               start_new_session=True, close_fds=True)
    try:
        pidfd = os.pidfd_open(process.pid)
    except (AttributeError, OSError):
        pidfd = None  # no pidfd: 5 ms resolution
    result = InterruptResult()
    try:
        start = time.monotonic()
        if on_event is not None:
            server.wait_for(on_event, timeout=deadline)
            due = time.monotonic() + (after or 0.0)
        else:
            due = start + after
        if _wait_exit(process, pidfd, due):
            result.ended_by = "before_signal"
        else:
            result.signalled_at_ns = time.monotonic_ns()
            os.killpg(process.pid, signal)
            if _wait_exit(process, pidfd, time.monotonic() + deadline):
                result.ended_at_ns = time.monotonic_ns()
                result.latency = (result.ended_at_ns - result.signalled_at_ns) / 1e9
                result.ended_by = "pending"
            else:
                result.ended_by = "deadline"
    finally:
        try:
            os.killpg(process.pid, signals.SIGKILL)  # the whole tree, whatever happened
        except (ProcessLookupError, PermissionError):
            pass
        out, err = process.communicate()
        if pidfd is not None:
            os.close(pidfd)
    result.stdout = out.decode(errors="replace")
    result.stderr = err.decode(errors="replace")
    code = process.returncode
    if result.ended_by == "pending" or result.ended_by == "before_signal":
        if code < 0:
            result.term_signal = -code
            if result.ended_by == "pending":
                result.ended_by = "signal"
        else:
            result.exit_code = code
            if result.ended_by == "pending":
                result.ended_by = "exit"
    return result
