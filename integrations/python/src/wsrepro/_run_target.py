"""Runs an interrupt_latency target as a program would be run from a terminal: default signal
dispositions and an empty mask (a test runner may ignore SIGINT, and that would be inherited),
then either calls a module-level function or execs a command."""

import importlib
import json
import os
import signal
import sys


def _default_signals():
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT, signal.SIGHUP, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, [])


def main():
    mode, rest = sys.argv[1], sys.argv[2:]
    _default_signals()
    if mode == "exec":
        os.execvp(rest[0], rest)
    spec = json.loads(rest[0])
    # As in a fresh interpreter: Ctrl+C raises KeyboardInterrupt.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    target = importlib.import_module(spec["module"])
    for part in spec["qualname"].split("."):
        target = getattr(target, part)
    target(*spec["args"])


if __name__ == "__main__":
    main()
