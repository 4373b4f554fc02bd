"""The gateway application: GraphQL, REST, probes and webhooks over one set of backends, and its
Prometheus metrics (``gateway.metrics``) on a port of their own."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.metrics import NoOpMeterProvider

from callsheet_kit.metrics import expose_metrics
from callsheet_kit.telemetry import setup_tracing, shutdown_tracing
from gateway import files, health, webhooks
from gateway.auth import TokenVerifier
from gateway.backends import Backends
from gateway.gql.endpoint import graphql_router
from gateway.gql.limits import QueryLimits
from gateway.gql.schema import build_schema
from gateway.metrics import RequestMetrics
from gateway.operation import ROOT_TYPES, Operation, v1_router
from gateway.operations import OPERATIONS
from gateway.request_bounds import Bounds, RequestBounds
from gateway.rest.errors import install_error_handlers
from gateway.settings import GatewaySettings

SERVICE_NAME = "callsheet-gateway"


def operation_label(operation: Operation) -> str:
    """How requests of ``operation`` are labelled: a root field by its name, any other as ``Type.field``."""
    type_name, _, field = operation.field.partition(".")
    return field if type_name in ROOT_TYPES else operation.field


def rest_operations(operations: Iterable[Operation]) -> dict[Callable[..., Any], str]:
    """The operation label of each REST route's endpoint, by the endpoint function.

    An endpoint that is an operation's resolver is that operation; any other route of an
    operation's router (a REST shape of its own) is that operation's too.
    """
    listed = list(operations)
    labels: dict[Callable[..., Any], str] = {operation.resolve: operation_label(operation) for operation in listed}
    for operation in listed:
        for route in operation.rest.routes if operation.rest is not None else ():
            endpoint = getattr(route, "endpoint", None)
            if endpoint is not None:
                labels.setdefault(endpoint, operation_label(operation))
    return labels


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
        port = expose_metrics(SERVICE_NAME, host=settings.metrics_host, port=settings.metrics_port)
        print(f"gateway metrics on http://{settings.metrics_host}:{port}/metrics", flush=True)
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
    # Added last, so it runs first: the time a client sees includes the bounds' refusals.
    app.add_middleware(RequestMetrics, rest_operations=rest_operations(OPERATIONS))
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
    # The request span becomes the parent of every gRPC client span the request causes. Its own
    # HTTP metrics stay off: RequestMetrics measures requests the way the dashboards read them.
    FastAPIInstrumentor.instrument_app(app, meter_provider=NoOpMeterProvider())
    return app
