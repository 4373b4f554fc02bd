"""Email over SMTP (the dev sink, a relay, or SES's SMTP interface)."""

from __future__ import annotations

import asyncio
import contextlib
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
    """Sends through an SMTP server over one kept-open connection.

    Opening a connection per message (TCP, greeting, EHLO, QUIT) cost more than the message; the
    connection is opened on first use, reused for every message after, and opened again once when
    the server has dropped it (servers close idle connections).
    """

    def __init__(self, *, host: str, port: int, sender: str) -> None:
        self._host = host
        self._port = port
        self._sender = sender
        self._client: aiosmtplib.SMTP | None = None
        self._lock = asyncio.Lock()

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
        async with self._lock:
            try:
                await (await self._connected()).send_message(message)
            except (aiosmtplib.SMTPServerDisconnected, ConnectionError):
                await self._drop()
                await (await self._connected()).send_message(message)
            except Exception:
                await self._drop()
                raise

    async def close(self) -> None:
        """Says goodbye to the server, if connected."""
        async with self._lock:
            if self._client is not None and self._client.is_connected:
                with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                    await self._client.quit()
            self._client = None

    async def _connected(self) -> aiosmtplib.SMTP:
        if self._client is None or not self._client.is_connected:
            client = aiosmtplib.SMTP(hostname=self._host, port=self._port, timeout=10, start_tls=False)
            await client.connect()
            self._client = client
        return self._client

    async def _drop(self) -> None:
        if self._client is not None:
            self._client.close()
        self._client = None
