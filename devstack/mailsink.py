"""Development SMTP sink: accepts every message and shows it over HTTP.

SMTP on ``127.0.0.1:<smtp_port>`` accepts any sender, recipient and
credentials (AUTH is accepted without TLS). Messages are kept in memory and,
optionally, appended as JSON lines to a file. A tiny HTTP/1.1 server on
``127.0.0.1:<http_port>`` exposes them:

* ``GET /messages`` - JSON list of ``{id, messageId, from, to, subject, date, text, html, receivedAt}``
* ``GET /messages?to=addr`` - only messages with ``addr`` among the envelope recipients
* ``DELETE /messages`` - forget every message
* ``POST /outage`` - an SMTP outage: the listener closes and open connections drop, so senders
  get connection refused; ``DELETE /outage`` listens again on the same port
* ``GET /healthz`` - liveness

The HTTP view keeps the newest 20,000 messages.

Run standalone with ``python -m devstack.mailsink --smtp-port N --http-port M``
or in-process with ``async with MailSink(0, 0) as sink: ...``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import uuid
from collections import deque
from collections.abc import Sequence
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from http import HTTPStatus
from pathlib import Path
from types import TracebackType
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, Session

from devstack.json_http import Answer, HttpRequest, not_allowed, serve_json

__all__ = ["MailSink", "main", "parse_message"]

MAX_MESSAGES = 20_000

_HOST = "127.0.0.1"


def _part_text(message: EmailMessage, subtype: str) -> str | None:
    part = message.get_body(preferencelist=(subtype,))
    if not isinstance(part, EmailMessage):
        return None
    try:
        content = part.get_content()
    except (LookupError, ValueError):
        # Unknown charset or broken transfer encoding: still show something.
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else None
    return content if isinstance(content, str) else None


def parse_message(raw: bytes, mail_from: str | None, rcpt_tos: Sequence[str]) -> dict[str, Any]:
    """Turn a raw RFC 5322 message plus its SMTP envelope into the sink's JSON shape."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    sender = message["From"]
    subject = message["Subject"]
    date = message["Date"]
    message_id = message["Message-ID"]
    return {
        "id": uuid.uuid4().hex,
        "messageId": str(message_id).strip() if message_id is not None else "",
        "from": str(sender) if sender is not None else (mail_from or ""),
        "to": list(rcpt_tos),
        "subject": str(subject) if subject is not None else "",
        "date": str(date) if date is not None else None,
        "text": _part_text(message, "plain"),
        "html": _part_text(message, "html"),
        "receivedAt": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }


def _accept_any_credentials(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    return AuthResult(success=True)


class _Handler:
    """aiosmtpd handler storing every DATA payload in the sink."""

    def __init__(self, sink: MailSink) -> None:
        self._sink = sink

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", errors="surrogateescape")
        self._sink.record(parse_message(raw, envelope.mail_from, envelope.rcpt_tos))
        return "250 Message accepted for delivery"


class MailSink:
    """In-process SMTP sink with an HTTP view of the received messages.

    Port 0 binds a free port; the actual ports are available from
    :attr:`smtp_port` and :attr:`http_port` once started.
    """

    def __init__(
        self,
        smtp_port: int = 0,
        http_port: int = 0,
        *,
        store_path: Path | None = None,
        max_messages: int = MAX_MESSAGES,
    ) -> None:
        """Configure (but do not start) the sink; ``store_path`` gets one JSON line per message
        (all of them); the HTTP view keeps the newest ``max_messages``."""
        self._smtp_port = smtp_port
        self._http_port = http_port
        self._store_path = store_path
        # The newest messages only: a sink left running for days must not grow without end.
        self._messages: deque[dict[str, Any]] = deque(maxlen=max_messages)
        self._smtp_server: asyncio.Server | None = None
        self._http_server: asyncio.Server | None = None
        self._sessions: set[SMTP] = set()
        self._down = False

    @property
    def smtp_port(self) -> int:
        """SMTP port (the bound one once started)."""
        return self._smtp_port

    @property
    def http_port(self) -> int:
        """HTTP port (the bound one once started)."""
        return self._http_port

    @property
    def http_url(self) -> str:
        """Base URL of the HTTP API, e.g. ``http://127.0.0.1:8025``."""
        return f"http://{_HOST}:{self._http_port}"

    @property
    def messages(self) -> list[dict[str, Any]]:
        """A snapshot of the received messages, oldest first."""
        return list(self._messages)

    def clear(self) -> None:
        """Forget every received message."""
        self._messages.clear()

    def record(self, message: dict[str, Any]) -> None:
        """Store one parsed message (and append it to ``store_path`` if set)."""
        self._messages.append(message)
        if self._store_path is not None:
            with self._store_path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(message, ensure_ascii=False) + "\n")

    async def start(self) -> None:
        """Bind both listeners on 127.0.0.1."""
        if self._smtp_server is not None:
            return
        if self._store_path is not None:
            self._store_path.parent.mkdir(parents=True, exist_ok=True)
        self._smtp_server = await self._listen_smtp()
        try:
            self._http_server = await asyncio.start_server(self._serve_http, _HOST, self._http_port)
        except BaseException:
            await self.stop()
            raise
        self._smtp_port = self._smtp_server.sockets[0].getsockname()[1]
        self._http_port = self._http_server.sockets[0].getsockname()[1]

    async def _listen_smtp(self) -> asyncio.Server:
        loop = asyncio.get_running_loop()
        handler = _Handler(self)

        def smtp_factory() -> SMTP:
            # An explicit hostname avoids socket.getfqdn(), which can stall on DNS.
            session = SMTP(
                handler,
                hostname="mailsink.localhost",
                enable_SMTPUTF8=True,
                auth_require_tls=False,
                authenticator=_accept_any_credentials,
                loop=loop,
            )
            self._sessions.add(session)
            return session

        return await loop.create_server(smtp_factory, _HOST, self._smtp_port, reuse_address=True)

    async def go_down(self) -> None:
        """An outage: stop listening and drop every open SMTP connection."""
        if self._down or self._smtp_server is None:
            return
        self._down = True
        self._smtp_server.close()
        for session in list(self._sessions):
            transport = getattr(session, "transport", None)
            if transport is not None:
                transport.abort()
        self._sessions.clear()
        await self._smtp_server.wait_closed()

    async def come_back(self) -> None:
        """The outage ends: listen again on the same port."""
        if not self._down:
            return
        self._smtp_server = await self._listen_smtp()
        self._down = False

    async def stop(self) -> None:
        """Close both listeners. Safe to call repeatedly."""
        servers = [s for s in (self._smtp_server, self._http_server) if s is not None]
        self._smtp_server = self._http_server = None
        for server in servers:
            server.close()
        for server in servers:
            await server.wait_closed()

    async def __aenter__(self) -> MailSink:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _serve_http(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await serve_json(reader, writer, self._route)

    async def _route(self, request: HttpRequest) -> Answer:
        method = request.method
        if request.path == "/healthz":
            return HTTPStatus.OK, {"status": "ok"}, {}
        if request.path == "/outage":
            if method not in ("POST", "DELETE"):
                return not_allowed(method)
            await (self.go_down() if method == "POST" else self.come_back())
            return HTTPStatus.OK, {"down": self._down}, {}
        if request.path != "/messages":
            return HTTPStatus.NOT_FOUND, {"error": f"no route for {request.path}"}, {}
        if method == "GET":
            wanted = {addr.lower() for addr in request.query.get("to", [])}
            messages = self.messages
            if wanted:
                messages = [m for m in messages if wanted & {addr.lower() for addr in m["to"]}]
            return HTTPStatus.OK, messages, {}
        if method == "DELETE":
            self.clear()
            return HTTPStatus.OK, {"deleted": True}, {}
        return not_allowed(method)


async def _serve_forever(smtp_port: int, http_port: int, store_path: Path | None) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with MailSink(smtp_port, http_port, store_path=store_path) as sink:
        print(f"mailsink smtp={_HOST}:{sink.smtp_port} http={sink.http_url}", flush=True)
        await stop.wait()


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: run the sink until SIGINT/SIGTERM."""
    parser = argparse.ArgumentParser(
        prog="python -m devstack.mailsink", description="Development SMTP sink with an HTTP view."
    )
    parser.add_argument("--smtp-port", type=int, default=0, help="SMTP port on 127.0.0.1 (0 = any free port)")
    parser.add_argument("--http-port", type=int, default=0, help="HTTP port on 127.0.0.1 (0 = any free port)")
    parser.add_argument("--store", type=Path, default=None, help="append every message as a JSON line to this file")
    args = parser.parse_args(argv)
    asyncio.run(_serve_forever(args.smtp_port, args.http_port, args.store))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
