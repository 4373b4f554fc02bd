"""The dev mailbox keeps the newest messages only, so a sink left running for days does not grow
without end."""

from __future__ import annotations

import aiosmtplib
import pytest

from devstack.mailsink import MailSink


@pytest.mark.asyncio
async def test_the_mailbox_keeps_the_newest_messages() -> None:
    async with MailSink(0, 0, max_messages=3) as sink:
        for number in range(5):
            await aiosmtplib.send(
                f"Subject: message {number}\r\n\r\nhello".encode(),
                sender="callsheet@example.test",
                recipients=["u_buyer_1@example.test"],
                hostname="127.0.0.1",
                port=sink.smtp_port,
            )
        assert [message["subject"] for message in sink.messages] == ["message 2", "message 3", "message 4"]
