"""Email over SMTP (the dev sink, a relay, or SES's SMTP interface)."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Protocol

import aiosmtplib


class Mailer(Protocol):
    """Sends one email."""

    async def send(self, *, to: str, subject: str, text: str, message_id: str, sent_at: datetime) -> None:
        """Sends; raises on failure so the delivery is retried."""
        ...


class SmtpMailer:
    """Sends through an SMTP server."""

    def __init__(self, *, host: str, port: int, sender: str) -> None:
        self._host = host
        self._port = port
        self._sender = sender

    async def send(self, *, to: str, subject: str, text: str, message_id: str, sent_at: datetime) -> None:
        """Sends a plain-text email whose Message-ID is the delivery's id, so receivers can dedupe;
        its Date is the time by the service clock."""
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = to
        message["Subject"] = subject
        message["Message-ID"] = f"<{message_id}@callsheet>"
        message["Date"] = format_datetime(sent_at)
        message.set_content(text)
        await aiosmtplib.send(message, hostname=self._host, port=self._port, timeout=10)
