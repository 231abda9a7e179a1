"""Where the wsrepro executable is: $WSREPRO_BIN, else PATH."""

import os
import shutil


class WsreproNotFound(RuntimeError):
    """No wsrepro executable: the message says where it was looked for."""


def find_wsrepro(explicit=None):
    """The path of the wsrepro executable: ``explicit``, else $WSREPRO_BIN, else PATH."""
    candidate = explicit or os.environ.get("WSREPRO_BIN")
    if candidate:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return os.path.abspath(candidate)
        source = "the argument" if explicit else "$WSREPRO_BIN"
        raise WsreproNotFound(f"{source} names {candidate!r}, which is not an executable file")
    found = shutil.which("wsrepro")
    if found:
        return found
    raise WsreproNotFound(
        "wsrepro executable not found: put it on PATH, or set WSREPRO_BIN=/path/to/wsrepro "
        "(pytest: or --wsrepro PATH). Build it with `cmake --preset release && cmake --build "
        "build/release --target wsrepro`."
    )
