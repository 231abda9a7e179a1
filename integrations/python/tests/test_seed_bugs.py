"""Seed bugs 1, 3 and 5 of python-websockets (docs/seed-bugs.md) as the pytest tests a user
would write: each asserts the correct behaviour, and is a strict xfail on the versions that have
the bug, so the suite passes at a buggy and at a fixed version alike, and fails the day either
changes. CI runs it at websockets 13.0 (all three bugs) and 17.4 (none)."""

import asyncio
import threading

import pytest

websockets = pytest.importorskip("websockets")
from websockets.sync.client import connect as sync_connect  # noqa: E402  (11.0 and later)

from wsrepro import measure  # noqa: E402

VERSION = tuple(int(p) for p in websockets.__version__.split(".")[:2])


@pytest.mark.xfail((11, 0) <= VERSION < (13, 1), strict=True,
                   reason="#1592: the sync client waits close_timeout after a refused upgrade")
def test_bug1_sync_client_gives_up_at_once_after_a_302_kept_open(wsrepro_server):
    server = wsrepro_server("redirect", status=302, then="keep_open")
    with pytest.raises(Exception) as refused:
        sync_connect(server.url, open_timeout=30, close_timeout=2)
    with measure(since=server.wait_for("server.fault")) as m:
        pass
    # 15.0 and later follow the redirect, to a port where nothing listens: refused, at once.
    assert not isinstance(refused.value, TimeoutError), refused.value
    assert m.elapsed < 1.0, f"{m.elapsed_ms:.0f} ms from the 302 to the exception"


@pytest.mark.xfail(VERSION < (15, 0), strict=True,
                   reason="the sync client has keepalive pings only from 15.0")
def test_bug3_sync_client_detects_a_stalled_peer_within_its_keepalive(wsrepro_server):
    server = wsrepro_server("stall", mode="discard")
    keepalive = dict(ping_interval=0.5, ping_timeout=0.5) if VERSION >= (15, 0) else {}
    with sync_connect(server.url, close_timeout=0.5, **keepalive) as ws:
        stalled = server.wait_for("server.fault")
        with measure(since=stalled) as m:
            with pytest.raises(websockets.ConnectionClosed):
                ws.recv(timeout=4)  # a version without pings raises TimeoutError here
    assert m.elapsed < 3.0, f"{m.elapsed_ms:.0f} ms to notice the stall"


@pytest.mark.xfail((11, 0) <= VERSION < (14, 0), strict=True,
                   reason="#1463: the legacy client reports OPEN and sends into a closed socket")
def test_bug5_send_fails_after_a_close_frame_that_came_with_the_101(wsrepro_server):
    server = wsrepro_server("close_after_handshake_same_write", delay_ms=0, then="wait_eof")

    async def scenario():
        async with websockets.connect(server.url, close_timeout=1) as ws:
            with pytest.raises(websockets.ConnectionClosed):
                for _ in range(3):
                    await ws.send("after close")

    asyncio.run(asyncio.wait_for(scenario(), timeout=10))
    server.wait_for("server.fault")


def connect_and_wait(url):
    """Seed bug 1's interrupt variant: a client stuck in the handshake, for Ctrl+C."""
    with sync_connect(url, open_timeout=30):
        threading.Event().wait()


def test_bug1_interrupt_while_the_server_never_answers(wsrepro_server):
    from wsrepro import interrupt_latency

    server = wsrepro_server("no_response")
    result = interrupt_latency(connect_and_wait, [server.url], server=server,
                               on_event="server.fault", deadline=10)
    assert result.interrupted, result
    assert result.latency < 1.0, result
