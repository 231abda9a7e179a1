"""The package against the real `wsrepro serve`: fixtures, live events, waits, timing, the
interrupt helper, and that nothing outlives a test process that is killed."""

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time

import pytest

from wsrepro import (MockServerError, WsreproNotFound, find_wsrepro, interrupt_latency, measure,
                     start_mock)

UPGRADE = (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")


def exited(pid):
    """Gone, or a zombie its new parent (init, once ours died) has not reaped yet."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(") ", 1)[1].startswith("Z")
    except (FileNotFoundError, ProcessLookupError):
        return True


def upgrade(port):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(UPGRADE)
        return s.recv(4096)


def test_fixture_starts_a_behaviour_with_parameters_and_streams_its_events(wsrepro_server):
    server = wsrepro_server("redirect", status=307, then="close")
    assert server.url == f"ws://127.0.0.1:{server.port}/"
    assert server.ca_file is None
    assert upgrade(server.port).startswith(b"HTTP/1.1 307")
    # Live: the event arrives while the server runs, not at its end.
    fault = server.wait_for("server.fault", timeout=5)
    assert fault["what"] == "redirect response written"
    assert server.running
    response = server.wait_for("response", timeout=5)  # "server." may be left out
    assert response["status"] == 307


def test_wait_for_counts_and_filters(wsrepro_server):
    server = wsrepro_server("redirect", then="close")
    for _ in range(3):
        upgrade(server.port)
    third = server.wait_for("server.accept", count=3, timeout=5)
    assert third["conn"] == max(e["conn"] for e in server.events_of("accept"))
    first = server.wait_for("server.accept", where=lambda e: e["conn"] == third["conn"] - 2)
    assert first["t_ns"] < third["t_ns"]


def test_wait_for_times_out_naming_what_was_seen(wsrepro_server):
    server = wsrepro_server("stall")
    with pytest.raises(TimeoutError, match=r"server.fault x1 from stall: not within 0.2 s.*"
                                           r"server.listen"):
        server.wait_for("server.fault", timeout=0.2)


def test_tls_gives_the_ca_file(wsrepro_server):
    server = wsrepro_server("echo", tls=True)
    assert server.url.startswith("wss://")
    assert os.path.isfile(server.ca_file)


def test_a_misspelt_behaviour_or_parameter_is_a_clear_error():
    with pytest.raises(MockServerError, match="redirect"):
        start_mock("redirekt")
    with pytest.raises(MockServerError, match="status"):
        start_mock("redirect", stauts=302)


def test_context_manager_outside_pytest_stops_the_server():
    with start_mock("stall", mode="stop_reading") as server:
        pid = server.pid
        assert server.running
    assert not server.running
    assert server.events[-1]["event"] == "server.stop"
    assert exited(pid)


def test_measure_times_from_a_server_event(wsrepro_server):
    server = wsrepro_server("redirect", then="close")
    upgrade(server.port)
    fault = server.wait_for("server.fault")
    time.sleep(0.05)
    with measure(since=fault) as m:
        pass
    assert m.elapsed >= 0.05  # the same clock as the event's t_ns
    with measure() as short:
        time.sleep(0.01)
    assert 0.01 <= short.elapsed < m.elapsed + 10  # generous: a loaded machine


def test_nothing_outlives_a_test_process_killed_outright(tmp_path):
    script = textwrap.dedent("""
        import os, signal, sys
        from wsrepro import start_mock
        server = start_mock("stall")
        print(server.pid, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    child = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=30,
                           env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert child.returncode == -signal.SIGKILL
    pid = int(child.stdout.split()[0])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if exited(pid):
            return
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    pytest.fail(f"wsrepro serve {pid} outlived the test process that started it")


# -- interrupt_latency: on a program that reacts to SIGINT, and on one that ignores it ----------

def sleeps_until_interrupted():
    time.sleep(30)


def ignores_interrupts():
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    time.sleep(30)


def test_interrupt_latency_of_a_function_that_reacts():
    result = interrupt_latency(sleeps_until_interrupted, after=0.3, deadline=10)
    assert result.ended_by == "signal" and result.term_signal == signal.SIGINT, result
    assert result.interrupted
    assert 0 <= result.latency < 5  # generous; the figure is the point, not a bound
    assert "KeyboardInterrupt" in result.stderr


def test_interrupt_latency_never_credits_its_own_kill():
    result = interrupt_latency(ignores_interrupts, after=0.3, deadline=0.5)
    assert result.ended_by == "deadline", result
    assert result.latency is None and not result.interrupted


def test_interrupt_latency_of_a_command_signalled_on_a_server_event(wsrepro_server):
    server = wsrepro_server("no_response")
    code = (f"import socket, time; s = socket.create_connection(('127.0.0.1', {server.port})); "
            "s.sendall(b'GET / HTTP/1.1\\r\\n\\r\\n'); time.sleep(30)")
    result = interrupt_latency([sys.executable, "-c", code], server=server,
                               on_event="server.fault", deadline=10)
    assert result.ended_by == "signal", result
    assert result.signalled_at_ns > server.wait_for("server.fault")["t_ns"]


def test_interrupt_latency_refuses_what_it_cannot_run():
    with pytest.raises(TypeError, match="module-level"):
        interrupt_latency(lambda: None, after=0.1)
    with pytest.raises(ValueError, match="when to signal"):
        interrupt_latency(sleeps_until_interrupted)


def test_a_missing_executable_says_where_it_looked(monkeypatch):
    monkeypatch.setenv("WSREPRO_BIN", "/no/such/wsrepro")
    with pytest.raises(WsreproNotFound, match="WSREPRO_BIN"):
        find_wsrepro()
    monkeypatch.delenv("WSREPRO_BIN")
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(WsreproNotFound, match="PATH"):
        find_wsrepro()


def test_a_failed_test_reports_the_server_events(pytester):
    pytester.makepyfile("""
        def test_fails(wsrepro_server):
            server = wsrepro_server("stall")
            assert False, "on purpose"
    """)
    result = pytester.runpytest_subprocess()  # the plugin loads by its entry point
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*wsrepro serve stall (ws://127.0.0.1:*/) events*",
                                 "*server.listen*"])
