"""The pytest side: a ``wsrepro_server`` fixture that starts any behaviour and stops it at
teardown, the ``--wsrepro PATH`` option, and each failed test's server events in its report."""

import json

import pytest

from ._server import start_mock


def pytest_addoption(parser):
    group = parser.getgroup("wsrepro")
    group.addoption("--wsrepro", default=None, metavar="PATH",
                    help="the wsrepro executable (default: $WSREPRO_BIN, then PATH)")


@pytest.fixture
def wsrepro_server(request):
    """A factory: ``server = wsrepro_server("stall", mode="discard")`` starts a mock server
    (keyword arguments are its parameters; ``tls=True`` for wss://). Every server it started is
    stopped at teardown, and a failed test's report shows what each one logged."""
    started = []

    def start(behaviour, **kwargs):
        kwargs.setdefault("wsrepro", request.config.getoption("--wsrepro"))
        server = start_mock(behaviour, **kwargs)
        started.append(server)
        return server

    request.node._wsrepro_servers = started
    yield start
    for server in started:
        server.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    servers = getattr(item, "_wsrepro_servers", None)
    if not servers or not report.failed or report.when != "call":
        return
    for server in servers:
        lines = [json.dumps(e) for e in server.events]
        if len(lines) > 200:  # the end is where a hang shows
            lines = [f"... {len(lines) - 200} earlier events"] + lines[-200:]
        report.sections.append(
            (f"wsrepro serve {server.behaviour} ({server.url}) events", "\n".join(lines)))
