"""The dev sinks' HTTP view: a tiny HTTP/1.1 server answering JSON, one request per connection.

The mailbox and the dev FCM each route a parsed ``HttpRequest`` to a JSON answer; reading the
request (bounded in header lines, body size and time) and writing the answer is done here once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

MAX_HEADER_LINES = 100
MAX_BODY = 1 << 20
# A client that connects and says nothing must not hold a handler for ever.
READ_TIMEOUT = 10.0


@dataclass(frozen=True)
class HttpRequest:
    """One request: its method, path, query, headers (lower-case names) and body."""

    method: str
    path: str
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    body: bytes


# An answer: the status, a JSON body, and any headers beyond the content's.
Answer = tuple[HTTPStatus, Any, Mapping[str, str]]
Route = Callable[[HttpRequest], Awaitable[Answer]]


class _Refused(Exception):
    def __init__(self, status: HTTPStatus, error: str) -> None:
        super().__init__(error)
        self.answer: Answer = (status, {"error": error}, {})


async def _read(reader: asyncio.StreamReader) -> HttpRequest:
    parts = (await reader.readline()).decode("latin-1").strip().split()
    if len(parts) != 3:
        raise _Refused(HTTPStatus.BAD_REQUEST, "bad request")
    method, target, _version = parts
    headers: dict[str, str] = {}
    for _ in range(MAX_HEADER_LINES):
        line = (await reader.readline()).decode("latin-1")
        if line in ("\r\n", "\n", ""):
            break
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        raise _Refused(HTTPStatus.LENGTH_REQUIRED, "send a Content-Length")
    length = int(headers.get("content-length", "0"))
    if not 0 <= length <= MAX_BODY:
        raise _Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "body too large")
    body = await reader.readexactly(length) if length else b""
    url = urlsplit(target)
    return HttpRequest(method=method, path=url.path, query=parse_qs(url.query), headers=headers, body=body)


async def serve_json(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, route: Route) -> None:
    """Reads one request, answers it with what ``route`` says (400 for a request it cannot read),
    and closes the connection."""
    try:
        async with asyncio.timeout(READ_TIMEOUT):
            request = await _read(reader)
        status, body, extra = await route(request)
    except _Refused as refused:
        status, body, extra = refused.answer
    except (asyncio.IncompleteReadError, ConnectionError, ValueError, TimeoutError):
        status, body, extra = HTTPStatus.BAD_REQUEST, {"error": "bad request"}, {}
    payload = json.dumps(body, ensure_ascii=False).encode()
    head = (
        f"HTTP/1.1 {status.value} {status.phrase}\r\n"
        "Content-Type: application/json; charset=utf-8\r\n"
        f"Content-Length: {len(payload)}\r\n"
        + "".join(f"{name}: {value}\r\n" for name, value in extra.items())
        + "Connection: close\r\n\r\n"
    )
    with contextlib.suppress(ConnectionError):
        writer.write(head.encode("latin-1") + payload)
        await writer.drain()
    writer.close()
    with contextlib.suppress(ConnectionError):
        await writer.wait_closed()


def not_allowed(method: str) -> Answer:
    """405 for a method a route does not take."""
    return HTTPStatus.METHOD_NOT_ALLOWED, {"error": f"{method} not allowed"}, {}
