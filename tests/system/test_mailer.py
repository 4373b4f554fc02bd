"""Notify's SMTP adapter against a real SMTP server: one connection for many messages, and a
connection the server dropped is opened again without losing the message."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from email import message_from_bytes
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from services.notify.adapters.mailer import SmtpMailer


class Recorder:
    """Counts SMTP sessions and keeps the messages received."""

    def __init__(self) -> None:
        self.sessions = 0
        self.subjects: list[str] = []

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.subjects.append(str(message_from_bytes(envelope.content)["Subject"]))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def send(mailer: SmtpMailer, subject: str) -> None:
    await mailer.send(
        to="u_buyer_1@example.test", subject=subject, text="hello", message_id=subject, sent_at=datetime.now(UTC)
    )


@pytest.mark.asyncio
async def test_many_messages_share_one_connection_and_a_dropped_one_is_reopened() -> None:
    recorder = Recorder()
    port = free_port()
    server = Controller(recorder, hostname="127.0.0.1", port=port)
    server.start()
    mailer = SmtpMailer(host="127.0.0.1", port=port, sender="callsheet@example.test")
    try:
        for number in range(5):
            await send(mailer, f"m{number}")
        assert recorder.subjects == ["m0", "m1", "m2", "m3", "m4"]
        assert recorder.sessions == 1

        server.stop()  # the server goes away and comes back: the kept connection is dead
        server = Controller(recorder, hostname="127.0.0.1", port=port)
        server.start()
        await send(mailer, "after the restart")
        assert recorder.subjects[-1] == "after the restart"
        assert recorder.sessions == 2
    finally:
        await mailer.close()
        server.stop()
