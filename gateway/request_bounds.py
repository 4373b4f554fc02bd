"""Bounds every HTTP request puts on the gateway, whichever face serves it: body size, JSON depth, time.

An ASGI middleware in front of the whole app. It reads the body before the app does, refusing
one larger than ``max_body_bytes`` (413) or nested deeper than ``max_body_depth`` (400), so no
parser downstream recurses a thousand levels; and it runs the request, body reading included,
under one deadline: past it the work is cancelled (gRPC calls with it) and the client gets
UNAVAILABLE. Refusals answer in the shape of the face asked: the GraphQL error format on
/graphql, the REST envelope anywhere else.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from callsheet_kit.errors import DomainError, ErrorCode, invalid_field
from gateway.gql import errors as graphql_errors
from gateway.rest import errors as rest_errors

log = logging.getLogger(__name__)

GRAPHQL_PATH = "/graphql"
BODY_FIELD = "body"
# The reason of a request stopped at its deadline; its message says so, unlike a service's outage.
DEADLINE_EXCEEDED = "DEADLINE_EXCEEDED"

# The bytes that matter for nesting: brackets, and the quotes and escapes that hide them in strings.
_STRUCTURE = re.compile(rb'[\[\]{}"\\]')
_OPENING = frozenset(b"[{")
_CLOSING = frozenset(b"]}")
_QUOTE, _BACKSLASH = ord('"'), ord("\\")


# Uploads through signed links (``gateway.files``) bring their own bound.
UPLOAD_PREFIX = "/files/"


@dataclass(frozen=True)
class Bounds:
    """The bounds of one request."""

    timeout_seconds: float
    max_body_bytes: int
    max_body_depth: int


class BodyRefused(Exception):
    """The body breaks a bound; ``status`` is the HTTP status REST answers with."""

    def __init__(self, error: DomainError, status: int) -> None:
        super().__init__(error.message)
        self.error = error
        self.status = status


def json_nesting_exceeds(body: bytes, limit: int) -> bool:
    """Whether the JSON text ``body`` nests arrays and objects more than ``limit`` deep.

    Linear in the body, without parsing it; text that is not JSON gives some answer and fails
    to parse later.
    """
    # Fewer brackets than the limit cannot nest past it: the usual small body costs two counts.
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth, in_string, escaped_until = 0, False, -1
    for match in _STRUCTURE.finditer(body):
        at = match.start()
        if at < escaped_until:
            continue
        byte = body[at]
        if in_string:
            if byte == _BACKSLASH:
                escaped_until = at + 2
            elif byte == _QUOTE:
                in_string = False
        elif byte == _QUOTE:
            in_string = True
        elif byte in _OPENING:
            depth += 1
            if depth > limit:
                return True
        elif byte in _CLOSING:
            depth -= 1
    return False


class RequestBounds:
    """The ASGI middleware that holds every HTTP request to its ``Bounds``."""

    def __init__(self, app: ASGIApp, *, bounds: Bounds) -> None:
        self.app = app
        self.bounds = bounds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        responded = False

        async def send_noting_start(message: Message) -> None:
            nonlocal responded
            responded = responded or message["type"] == "http.response.start"
            await send(message)

        deadline = asyncio.timeout(self.bounds.timeout_seconds)
        try:
            async with deadline:
                if scope["method"] == "PUT" and scope["path"].startswith(UPLOAD_PREFIX):
                    # An upload through a signed link: the link bounds its size, and the route
                    # streams it to the store without holding it in memory.
                    await self.app(scope, receive, send_noting_start)
                    return
                body = await self._read_body(scope, receive)
                await self.app(scope, _replay(body, receive), send_noting_start)
        except BodyRefused as refused:
            await self._refuse(scope, refused.error, refused.status, send)
        except TimeoutError:
            if not deadline.expired():
                raise
            log.warning("%s %s outlasted its %ss deadline", scope["method"], scope["path"], self.bounds.timeout_seconds)
            if not responded:
                error = DomainError(
                    ErrorCode.UNAVAILABLE,
                    f"the request took longer than {self.bounds.timeout_seconds:g}s and was stopped; try again",
                    reason=DEADLINE_EXCEEDED,
                )
                await self._refuse(scope, error, 503, send)

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes:
        limit = self.bounds.max_body_bytes
        too_large = BodyRefused(invalid_field(BODY_FIELD, f"must be at most {limit} bytes"), 413)
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            raise too_large
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise too_large
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if json_nesting_exceeds(body, self.bounds.max_body_depth):
            error = invalid_field(BODY_FIELD, f"must nest arrays and objects at most {self.bounds.max_body_depth} deep")
            raise BodyRefused(error, 400)
        return body

    @staticmethod
    async def _refuse(scope: Scope, error: DomainError, status: int, send: Send) -> None:
        response: Response
        if scope["path"] == GRAPHQL_PATH:
            response = graphql_errors.error_response(error)
        else:
            response = rest_errors.error_response(error, status_code=status)

        async def nothing_more() -> Message:
            return {"type": "http.disconnect"}

        await response(scope, nothing_more, send)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the app the body already read, then waits on the client as before."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if delivered:
            return await receive()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
