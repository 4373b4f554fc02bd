"""POST /graphql: authenticate, make the caller current, execute, format errors."""

from __future__ import annotations

import json
import logging
from typing import Any

from ariadne import graphql
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from graphql import GraphQLSchema

from callsheet_kit.errors import DomainError, invalid_field
from gateway.auth import acting_as, caller_from_authorization
from gateway.backends import Backends
from gateway.errors import error_fields
from gateway.gql.errors import format_error

# Ariadne logs every error, the expected ones (NOT_FOUND, bad input) included; the formatter
# logs the unexpected ones itself, so Ariadne's copy goes nowhere.
_ariadne_log = logging.getLogger("gateway.gql.ariadne")
_ariadne_log.addHandler(logging.NullHandler())
_ariadne_log.propagate = False


def graphql_router(*, schema: GraphQLSchema, backends: Backends, secret: str) -> APIRouter:
    """The router serving the schema at POST /graphql."""
    router = APIRouter()

    @router.post("/graphql", tags=["graphql"], summary="Execute a GraphQL operation")
    async def execute_graphql(request: Request) -> JSONResponse:
        """Runs one GraphQL operation for the caller named by the bearer token."""
        try:
            caller = caller_from_authorization(request.headers.get("authorization"), secret=secret)
        except DomainError as error:
            return _errors(error)
        try:
            data = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            data = None
        if not isinstance(data, dict):
            return _errors(invalid_field("query", "the body must be a JSON object with a query"))
        with acting_as(caller):
            _, result = await graphql(
                schema,
                data,
                context_value={"request": request, "backends": backends},
                error_formatter=format_error,
                logger=_ariadne_log,
                debug=False,
            )
        return JSONResponse(result)

    return router


def _errors(error: DomainError) -> JSONResponse:
    body: dict[str, Any] = {"data": None, "errors": [{"message": error.message, "extensions": error_fields(error)}]}
    return JSONResponse(body)
