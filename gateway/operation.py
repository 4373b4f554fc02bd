"""What an operation is, and the plumbing every operation module plugs into.

An operation lives in one module of ``gateway.operations``: one async function that calls the
services and converts their answer, which is both the GraphQL resolver of its field and, under
a FastAPI route decorator, its REST twin; and its ``Operation``, listed in
``gateway.operations.OPERATIONS``.

The function takes the backends, then the GraphQL field's arguments by name, exactly as GraphQL
hands them over (an ``input`` argument is its camelCase mapping); a field of an object type
(``Order.timeline``) takes the object's id second. Its parameter annotations tell REST where to
read each argument: the backends from the app, ``first``/``after`` from the query, an ``input``
from the body (``body_input``), an id from the path. GraphQL ignores the annotations and calls
the function directly, so the two faces cannot drift apart and GraphQL pays nothing for REST.
Where the faces must differ (REST answers an object where GraphQL answers a scalar, say), the
module has a REST route of its own that calls the resolver.

Everything the operations share is here: the caller made current for REST, the backends, the
paging and path parameters, the body read as GraphQL input, and the binding of every operation to
the GraphQL schema and the /v1 router. Either face checks what the client sent against
``gateway.inputs`` here, before the operation runs: GraphQL every argument of the field, REST
each parameter and body as it decodes it.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, TypeAlias

from ariadne import ObjectType
from fastapi import APIRouter, Depends, Path, Query, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from graphql import GraphQLResolveInfo

from callsheet_kit.identity import Caller, acting_as
from callsheet_kit.paging import MAX_PAGE_SIZE
from gateway.auth import TokenVerifier
from gateway.backends import Backends
from gateway.inputs import check_arguments
from gateway.rest.errors import ErrorEnvelope
from gateway.shapes import ApiModel, OrderCommandInput

Info: TypeAlias = "GraphQLResolveInfo[dict[str, Any]]"
# resolve(backends, [object id,] **arguments): a value, or an awaitable GraphQL and REST await.
Resolve = Callable[..., Any]
# A GraphQL input object as resolvers receive it: camelCase names, only the fields the client sent.
GraphQLInput = Mapping[str, Any]

# Types whose fields are operations in their own right; fields of other types resolve on an object.
ROOT_TYPES = frozenset({"Query", "Mutation"})

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorEnvelope, "description": description}
    for status, description in (
        (400, "INVALID_ARGUMENT: the input failed validation"),
        (401, "UNAUTHENTICATED: missing or invalid bearer token"),
        (403, "PERMISSION_DENIED"),
        (404, "NOT_FOUND: no such object, or the caller may not know it exists"),
        (409, "CONFLICT (stale expectedVersion) or IDEMPOTENCY_MISMATCH"),
        (412, "FAILED_PRECONDITION: the state does not allow this"),
        (413, "INVALID_ARGUMENT: the body is larger than the gateway accepts"),
        (503, "UNAVAILABLE: a service could not be reached, or the request outlasted its deadline"),
        # Every other failure (405, 500) has the same envelope; documenting it also tells FastAPI
        # not to list its own 422, which this gateway never sends (bad input is a 400).
        ("default", "Any other failure, in the same envelope"),
    )
}


@dataclass(frozen=True)
class Operation:
    """One operation: the GraphQL field it resolves (``"Type.field"``), its resolver, and its REST routes, if any.

    ``reads_ahead`` replaces ``resolve`` for GraphQL where the field fetches some of its
    object's fields along with the object: it takes the backends, the GraphQL ``info`` (see
    ``gateway.gql.lookahead``), then the arguments, and hands what it fetched to those fields'
    resolvers with ``prefetch``.
    """

    field: str
    resolve: Resolve
    rest: APIRouter | None = None
    reads_ahead: Resolve | None = None


# Where an object carries the values fetched ahead for its fields: {field: (arguments, value)}.
_PREFETCHED = "__prefetched"


def prefetch(obj: dict[str, Any], field: str, arguments: Mapping[str, Any], value: Any) -> None:
    """Gives ``obj``'s ``field`` the value (or awaitable) fetched ahead for it with ``arguments``.

    The field's own resolver then answers with it when GraphQL asks for the field with those
    same arguments, instead of calling a service again.
    """
    obj.setdefault(_PREFETCHED, {})[field] = (dict(arguments), value)


# Dependencies are coroutines, though none awaits: FastAPI runs plain functions in a thread pool.


async def _backends(request: Request) -> Backends:
    backends: Backends = request.app.state.backends
    return backends


# Declares the scheme in /openapi.json (so /docs can authorize); the token itself is checked below,
# the same way as GraphQL checks it, so a missing one is UNAUTHENTICATED in the envelope.
_bearer = HTTPBearer(
    scheme_name="bearerAuth",
    bearerFormat="JWT",
    description="An HS256 JWT naming the caller (sub) and their roles; it must carry exp.",
    auto_error=False,
)


async def _authenticated(
    request: Request, _: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)]
) -> AsyncIterator[Caller]:
    """Authenticates the bearer token and makes its caller current for the request."""
    tokens: TokenVerifier = request.app.state.tokens
    with acting_as(tokens.caller(request.headers.get("authorization"))) as caller:
        yield caller


async def _first(
    first: Annotated[
        int | None,
        Query(
            description=f"At most this many items, 1 to {MAX_PAGE_SIZE} (default: the list's own)",
            json_schema_extra={"minimum": 1, "maximum": MAX_PAGE_SIZE},
        ),
    ] = None,
) -> int | None:
    check_arguments({"first": first})
    return first


async def _after(
    after: Annotated[str | None, Query(description="The endCursor of the previous page")] = None,
) -> str | None:
    check_arguments({"after": after})
    return after


async def _order_id(order_id: Annotated[str, Path(description="The order's id")]) -> str:
    check_arguments({"orderId": order_id})
    return order_id


BackendsDep = Annotated[Backends, Depends(_backends)]
First = Annotated[int | None, Depends(_first)]
After = Annotated[str | None, Depends(_after)]
# The order a REST route names in its path (``/orders/{order_id}/…``), checked as the id it is.
OrderId = Annotated[str, Depends(_order_id)]


def body_input(model: type[ApiModel], *, path: Mapping[str, str] | None = None) -> Any:
    """A REST dependency: the body validated as ``model``, handed on as the GraphQL input it twins.

    ``path`` maps URL parameters into the input, e.g. ``{"order_id": "orderId"}`` where GraphQL
    carries in the input what REST carries in the path. Use it as the metadata of an argument:
    ``input: Annotated[GraphQLInput, body_input(CheckoutInput)]``.
    """
    into_input = dict(path or {})

    async def read(body: ApiModel, **path_values: str) -> GraphQLInput:
        input = body.graphql_input(**{into_input[name]: value for name, value in path_values.items()})
        check_arguments(input)
        return input

    # FastAPI reads what a dependency needs from its signature: each path parameter, then the body.
    read.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            *(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=str) for name in into_input),
            inspect.Parameter("body", inspect.Parameter.KEYWORD_ONLY, annotation=model),
        ]
    )
    return Depends(read)


# The input of a command on an order (GraphQL's OrderCommandInput); REST names the order in the path.
OrderCommand = Annotated[GraphQLInput, body_input(OrderCommandInput, path={"order_id": "orderId"})]


def page_request(first: int | None, after: str | None) -> dict[str, Any]:
    """The paging fields of a list request: ``first`` and ``after`` as page size and token (0/"" = default)."""
    return {"page_size": first or 0, "page_token": after or ""}


def _graphql_resolver(type_name: str, field: str, operation: Operation) -> Callable[..., Any]:
    # Plain functions that hand back whatever resolve returns (graphql-core awaits a coroutine),
    # so binding adds no coroutine of its own to a request.
    resolve, reads_ahead = operation.resolve, operation.reads_ahead
    if type_name in ROOT_TYPES:

        def resolve_root_field(_root: Any, info: Info, **arguments: Any) -> Any:
            check_arguments(arguments)
            if reads_ahead is not None:
                return reads_ahead(info.context["backends"], info, **arguments)
            return resolve(info.context["backends"], **arguments)

        return resolve_root_field

    def resolve_object_field(parent: dict[str, Any], info: Info, **arguments: Any) -> Any:
        check_arguments(arguments)
        ahead = parent.get(_PREFETCHED, {}).get(field)
        if ahead is not None and ahead[0] == arguments:
            return ahead[1]
        return resolve(info.context["backends"], parent["id"], **arguments)

    return resolve_object_field


def graphql_bindables(operations: Iterable[Operation]) -> list[ObjectType]:
    """One ariadne object type per GraphQL type, with a resolver for every operation on it."""
    types: dict[str, ObjectType] = {}
    bound: set[str] = set()
    for operation in operations:
        if operation.field in bound:
            raise ValueError(f"{operation.field} is bound twice")
        bound.add(operation.field)
        type_name, _, field = operation.field.partition(".")
        types.setdefault(type_name, ObjectType(type_name)).set_field(
            field, _graphql_resolver(type_name, field, operation)
        )
    return list(types.values())


def v1_router(operations: Iterable[Operation]) -> APIRouter:
    """The /v1 routes of every operation, each behind the bearer token and documenting the error envelope."""
    router = APIRouter(prefix="/v1", dependencies=[Depends(_authenticated)], responses=ERROR_RESPONSES)
    for operation in operations:
        if operation.rest is not None:
            router.include_router(operation.rest)
    return router
