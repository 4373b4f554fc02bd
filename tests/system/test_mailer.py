"""Notify's SMTP adapter against a real SMTP server: one connection for many messages, a
connection the server dropped is opened again without losing the message, and what arrives
(headers and text, in any language) is what was sent."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime
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


class Keeper:
    """Keeps every message received, as bytes, with its envelope."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


def parsed(raw: bytes) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    return message


@pytest.mark.asyncio
async def test_what_arrives_has_the_headers_and_the_text_in_any_language() -> None:
    keeper = Keeper()
    port = free_port()
    server = Controller(keeper, hostname="127.0.0.1", port=port, enable_SMTPUTF8=True)
    server.start()
    mailer = SmtpMailer(host="127.0.0.1", port=port, sender="Callsheet <no-reply@callsheet.test>")
    sent_at = datetime(2026, 5, 9, 7, 35, 25, tzinfo=UTC)
    messages = [
        ("Booking ord_1 is confirmed", "Booking ord_1 (GAFFER, starting 2026-06-01T09:00:00Z) is now confirmed."),
        (
            "Buchung ord_01JABCDEF0123456789ABCDEFG ist bestätigt – 予約 für Dienstag, den 2. Juni, in Köln",
            "Grüße aus Köln = 5 €\r\nZeile zwei\n\n" + "ä" * 600,
        ),
        (
            "Booking ord_01JABCDEF0123456789ABCDEFG is under dispute, a title longer than one header line",
            ".a line with a leading dot\n" + "long " * 300,
        ),
    ]
    try:
        for number, (subject, text) in enumerate(messages):
            await mailer.send(
                to="u_buyer_1@example.test", subject=subject, text=text, message_id=f"ntf_{number}", sent_at=sent_at
            )
        # An address that is not ASCII goes as SMTPUTF8 wants it.
        await mailer.send(to="jürgen@例え.test", subject="Grüße", text="Hallo", message_id="ntf_3", sent_at=sent_at)
    finally:
        await mailer.close()
        server.stop()

    assert len(keeper.received) == 4
    for number, (subject, text) in enumerate(messages):
        mail_from, rcpt_tos, raw = keeper.received[number]
        assert (mail_from, rcpt_tos) == ("no-reply@callsheet.test", ["u_buyer_1@example.test"])
        # Any SMTP server takes it: 7-bit, and no line longer than SMTP allows.
        assert raw.isascii()
        assert max(len(line) for line in raw.split(b"\r\n")) <= 998
        message = parsed(raw)
        assert str(message["From"]) == "Callsheet <no-reply@callsheet.test>"
        assert str(message["To"]) == "u_buyer_1@example.test"
        assert str(message["Subject"]) == subject
        assert str(message["Message-ID"]) == f"<ntf_{number}@callsheet>"
        assert str(message["Date"]) == format_datetime(sent_at)
        assert message.get_content_type() == "text/plain"
        assert message.get_content_charset() == "utf-8"
        lines = text.replace("\r\n", "\n").split("\n")
        assert message.get_content().replace("\r\n", "\n") == "\n".join(lines) + "\n"
    mail_from, rcpt_tos, raw = keeper.received[3]
    assert rcpt_tos == ["jürgen@例え.test"]
    international = parsed(raw)
    assert (str(international["To"]), str(international["Subject"])) == ("jürgen@例え.test", "Grüße")
    assert international.get_content().replace("\r\n", "\n") == "Hallo\n"
