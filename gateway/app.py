"""The gateway application: GraphQL, REST, probes and webhooks over one set of backends."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from callsheet_kit.telemetry import setup_tracing, shutdown_tracing
from gateway import health, webhooks
from gateway.auth import MIN_SECRET_BYTES
from gateway.backends import Backends
from gateway.gql.endpoint import graphql_router
from gateway.gql.schema import build_schema
from gateway.rest import routes
from gateway.rest.errors import install_error_handlers
from gateway.settings import GatewaySettings

SERVICE_NAME = "callsheet-gateway"

log = logging.getLogger(__name__)


def create_app(settings: GatewaySettings) -> FastAPI:
    """The gateway for ``settings``; channels open at start-up and close at shutdown."""
    setup_tracing(SERVICE_NAME, settings.traces_exporter)
    if not settings.is_dev and len(settings.jwt_secret.encode()) < MIN_SECRET_BYTES:
        log.warning("CALLSHEET_JWT_SECRET is shorter than %d bytes; HS256 tokens are weak", MIN_SECRET_BYTES)
    backends = Backends(settings)

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
    app.state.jwt_secret = settings.jwt_secret
    install_error_handlers(app)
    app.include_router(graphql_router(schema=build_schema(), backends=backends, secret=settings.jwt_secret))
    app.include_router(routes.router)
    app.include_router(health.router)
    app.include_router(webhooks.router)
    # The request span becomes the parent of every gRPC client span the request causes.
    FastAPIInstrumentor.instrument_app(app)
    return app
