"""Email over SMTP (the dev sink, a relay, or SES's SMTP interface)."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime
from email.charset import QP, Charset
from email.message import EmailMessage, Message
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.utils import format_datetime, parseaddr
from typing import Protocol

import aiosmtplib

# UTF-8 bodies in quoted-printable: ASCII text stays readable on the wire and no line is too long
# for SMTP, whatever the text.
_UTF8_QUOTED_PRINTABLE = Charset("utf-8")
_UTF8_QUOTED_PRINTABLE.body_encoding = QP


class Mailer(Protocol):
    """Sends one email."""

    async def send(
        self, *, to: str, subject: str, text: str, message_id: str, sent_at: datetime, html: str | None = None
    ) -> None:
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
        # The address of the envelope, parsed once rather than out of every message's From.
        self._envelope_sender = parseaddr(sender)[1] or sender
        self._client: aiosmtplib.SMTP | None = None
        self._lock = asyncio.Lock()

    async def send(
        self, *, to: str, subject: str, text: str, message_id: str, sent_at: datetime, html: str | None = None
    ) -> None:
        """Sends an email (text, and an HTML alternative when given) whose Message-ID is the
        delivery's id, so receivers can dedupe; its Date is the time by the service clock."""
        headers = {
            "From": self._sender,
            "To": to,
            "Subject": subject,
            "Message-ID": f"<{message_id}@callsheet>",
            "Date": format_datetime(sent_at),
        }
        if self._sender.isascii() and to.isascii():
            message: Message = _plain_message(headers, text, html)
        else:
            message = _international_message(headers, text, html)
        async with self._lock:
            try:
                await self._send(message, to)
            except (aiosmtplib.SMTPServerDisconnected, ConnectionError):
                await self._drop()
                await self._send(message, to)
            except Exception:
                await self._drop()
                raise

    async def _send(self, message: Message, to: str) -> None:
        # The addresses are known: the client need not parse them back out of the headers.
        await (await self._connected()).send_message(message, sender=self._envelope_sender, recipients=[to])

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


def _plain_message(headers: dict[str, str], text: str, html: str | None = None) -> Message:
    """A plain-text UTF-8 message as a compat32 ``Message``.

    ``EmailMessage`` with the default policy parses every header through ``email.headerregistry``
    when it is set and folds it again when sent, several times what the whole message costs this
    way. What arrives is the same: the same headers (a non-ASCII subject as an RFC 2047 encoded
    word, MIME-Version, Content-Type text/plain in UTF-8) and the same text, every line ending in a
    newline as ``set_content`` wrote it.
    """
    message: Message = Message() if html is None else MIMEMultipart("alternative")
    for name, value in headers.items():
        message[name] = value
    if html is None:
        message.set_payload(_lines(text), _UTF8_QUOTED_PRINTABLE)
        return message
    for subtype, content in (("plain", text), ("html", html)):
        part = MIMENonMultipart("text", subtype)
        part.set_payload(_lines(content), _UTF8_QUOTED_PRINTABLE)
        message.attach(part)
    return message


def _lines(text: str) -> str:
    """Text with newline line ends, ending in one."""
    body = text.replace("\r\n", "\n").replace("\r", "\n")
    return body if body.endswith("\n") else body + "\n"


def _international_message(headers: dict[str, str], text: str, html: str | None = None) -> EmailMessage:
    """A message with an address (or the sender's name) that is not ASCII, which only the default
    policy writes right: an SMTPUTF8 address as it is, a name as an RFC 2047 word (compat32 would
    make one word of the name and the address)."""
    message = EmailMessage()
    for name, value in headers.items():
        message[name] = value
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message
