"""The gateway application: GraphQL, REST, probes and webhooks over one set of backends."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from callsheet_kit.telemetry import setup_tracing, shutdown_tracing
from gateway import files, health, webhooks
from gateway.auth import TokenVerifier
from gateway.backends import Backends
from gateway.gql.endpoint import graphql_router
from gateway.gql.limits import QueryLimits
from gateway.gql.schema import build_schema
from gateway.operation import v1_router
from gateway.operations import OPERATIONS
from gateway.request_bounds import Bounds, RequestBounds
from gateway.rest.errors import install_error_handlers
from gateway.settings import GatewaySettings

SERVICE_NAME = "callsheet-gateway"


def create_app(settings: GatewaySettings) -> FastAPI:
    """The gateway for ``settings``; channels open at start-up and close at shutdown."""
    setup_tracing(SERVICE_NAME, settings.traces_exporter)
    backends = Backends(settings)
    tokens = TokenVerifier(settings.jwt_secret, leeway=settings.jwt_leeway_seconds)
    limits = QueryLimits(
        max_tokens=settings.max_query_tokens,
        max_depth=settings.max_query_depth,
        max_aliases=settings.max_query_aliases,
        max_cost=settings.max_query_cost,
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        backends.open()
        try:
            yield
        finally:
            await backends.close()
            shutdown_tracing()

    app = FastAPI(
        title="Callsheet gateway",
        version="1",
        description="REST twins of the GraphQL contract served at POST /graphql.",
        lifespan=lifespan,
    )
    app.state.backends = backends
    app.state.tokens = tokens
    app.state.settings = settings
    install_error_handlers(app)
    app.add_middleware(
        RequestBounds,
        bounds=Bounds(
            timeout_seconds=settings.request_timeout_seconds,
            max_body_bytes=settings.max_body_bytes,
            max_body_depth=settings.max_body_depth,
        ),
    )
    app.include_router(
        graphql_router(
            schema=build_schema(),
            backends=backends,
            tokens=tokens,
            limits=limits,
        )
    )
    app.include_router(v1_router(OPERATIONS))
    app.include_router(health.router)
    app.include_router(webhooks.router)
    app.include_router(files.router)
    # The request span becomes the parent of every gRPC client span the request causes.
    FastAPIInstrumentor.instrument_app(app)
    return app
