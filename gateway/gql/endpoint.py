"""POST /graphql: authenticate, make the caller current, parse within limits, execute, format errors."""

from __future__ import annotations

import json
import logging
from typing import Any

from ariadne import graphql
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from graphql import DocumentNode, GraphQLSchema

from callsheet_kit.errors import DomainError, ErrorCode, invalid_field
from callsheet_kit.identity import acting_as
from gateway.auth import TokenVerifier
from gateway.backends import Backends
from gateway.gql.documents import DocumentCache
from gateway.gql.errors import error_response, format_error
from gateway.gql.limits import QueryLimits, parse_within_limits
from gateway.metrics import graphql_operation, note_code, note_operation

# Ariadne logs every error, the expected ones (NOT_FOUND, bad input) included; the formatter
# logs the unexpected ones itself, so Ariadne's copy goes nowhere.
_ariadne_log = logging.getLogger("gateway.gql.ariadne")
_ariadne_log.addHandler(logging.NullHandler())
_ariadne_log.propagate = False


def graphql_router(
    *, schema: GraphQLSchema, backends: Backends, tokens: TokenVerifier, limits: QueryLimits
) -> APIRouter:
    """The router serving the schema at POST /graphql, refusing documents beyond ``limits``."""
    router = APIRouter()
    documents = DocumentCache()

    def parse_query(_context: Any, data: dict[str, Any]) -> DocumentNode:
        # Ariadne has checked the shape of ``data``; a document past a limit is refused before
        # validation, which costs far more than measuring it.
        document = parse_within_limits(schema, data["query"], data.get("variables") or {}, limits, documents)
        note_operation(graphql_operation(schema, document, data.get("operationName")))
        return document

    @router.post("/graphql", tags=["graphql"], summary="Execute a GraphQL operation")
    async def execute_graphql(request: Request) -> JSONResponse:
        """Runs one GraphQL operation for the caller named by the bearer token."""
        try:
            caller = tokens.caller(request.headers.get("authorization"))
        except DomainError as error:
            return error_response(error)
        try:
            data = json.loads(await request.body())
        except (ValueError, RecursionError):
            data = None
        if not isinstance(data, dict):
            return error_response(invalid_field("query", "the body must be a JSON object with a query"))
        with acting_as(caller):
            _, result = await graphql(
                schema,
                data,
                context_value={"request": request, "backends": backends},
                query_parser=parse_query,
                query_validator=documents.validate,
                error_formatter=format_error,
                logger=_ariadne_log,
                debug=False,
            )
        errors = result.get("errors")
        if errors:
            # The request counts under the code of its first error, whatever else it answered.
            note_code(str(errors[0].get("extensions", {}).get("code", ErrorCode.INTERNAL.value)))
        return JSONResponse(result)

    return router
