"""``callsheet_gateway_request_seconds``: every request's latency as its client sees it.

``RequestMetrics`` is the outermost middleware of the app: the time runs from the request's
arrival to the end of its response, body reading, deadlines and refusals included. Each request
is labelled with

- ``face``: ``graphql`` for POST /graphql, ``rest`` for everything else;
- ``operation``: for GraphQL the first root field of the operation run (``createCard``), for REST
  the operation whose route served it (``createCard`` for ``POST /v1/orders/{id}/cards``; a field
  of an object type keeps its type, ``Order.timeline``), and the route's path for the routes
  that are no operation (``/readyz``, ``/webhooks/stripe``). Only names the schema or the
  router knows are used, so a client cannot make up label values;
- ``code``: the contract code the client was answered with, ``OK`` on success. A GraphQL error
  counts under its code (that of the first error) although its HTTP status is 200.

The faces tell the middleware what they know as they learn it (``note_operation``,
``note_code``) through a record of the request kept in a context variable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from time import perf_counter
from typing import Any

from graphql import DocumentNode, FieldNode, GraphQLSchema, OperationDefinitionNode
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from callsheet_kit.errors import ErrorCode
from callsheet_kit.metrics import histogram
from gateway.errors import HTTP_STATUS

GRAPHQL_PATH = "/graphql"
OK = "OK"
UNKNOWN = "unknown"
# Root fields every schema has: the introspection a client may run.
INTROSPECTION_FIELDS = frozenset({"__schema", "__type", "__typename"})
# The code of a status no face recorded a code for (the first code of each status wins a tie).
_CODE_OF_STATUS = {status: code.value for code, status in reversed(list(HTTP_STATUS.items()))}

_request_seconds = histogram(
    "callsheet.gateway.request", "Gateway requests, arrival to response, by face, operation and contract code"
)


@dataclass
class RequestRecord:
    """What the faces learnt of the request being served."""

    operation: str | None = None
    code: str | None = None


_current: ContextVar[RequestRecord | None] = ContextVar("gateway_request_record", default=None)


def note_operation(name: str) -> None:
    """Names the operation the current request runs."""
    record = _current.get()
    if record is not None:
        record.operation = name


def note_code(code: str) -> None:
    """Records the contract code the current request is answered with."""
    record = _current.get()
    if record is not None:
        record.code = code


def graphql_operation(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None) -> str:
    """The first root field of the operation a document runs, if the schema has it; ``unknown`` otherwise."""
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        if operation_name and (definition.name is None or definition.name.value != operation_name):
            continue
        root = schema.get_root_type(definition.operation)
        for selection in definition.selection_set.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                known = name in INTROSPECTION_FIELDS or (root is not None and name in root.fields)
                return name if known else UNKNOWN
        return UNKNOWN
    return UNKNOWN


def _code_of_status(status: int) -> str:
    if status < 400:
        return OK
    return _CODE_OF_STATUS.get(status, ErrorCode.INTERNAL.value if status >= 500 else ErrorCode.INVALID_ARGUMENT.value)


class RequestMetrics:
    """The ASGI middleware that times every HTTP request into ``callsheet_gateway_request_seconds``.

    ``rest_operations`` labels the REST routes' endpoints (``gateway.app`` maps each operation's).
    """

    def __init__(self, app: ASGIApp, *, rest_operations: Mapping[Callable[..., Any], str]) -> None:
        self.app = app
        self._rest_operations = rest_operations

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        record = RequestRecord()
        token = _current.set(record)
        status = 500

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        started = perf_counter()
        try:
            await self.app(scope, receive, send_noting_status)
        except BaseException:
            record.code = record.code or ErrorCode.INTERNAL.value
            raise
        finally:
            _current.reset(token)
            graphql = scope["path"] == GRAPHQL_PATH
            labels = {
                "face": "graphql" if graphql else "rest",
                "operation": record.operation or (UNKNOWN if graphql else self._route_operation(scope)),
                "code": record.code or _code_of_status(status),
            }
            _request_seconds.record(perf_counter() - started, labels)

    def _route_operation(self, scope: Scope) -> str:
        route = scope.get("route")
        endpoint = getattr(route, "endpoint", None)
        if endpoint is not None and endpoint in self._rest_operations:
            return self._rest_operations[endpoint]
        path = getattr(route, "path", None)
        return path if isinstance(path, str) else UNKNOWN
