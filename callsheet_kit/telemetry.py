"""OpenTelemetry: one trace per user action across the gateway, gRPC, SQL and NATS.

The exporter is chosen by configuration (OTLP to ``OTEL_EXPORTER_OTLP_ENDPOINT``, the console,
or none). gRPC and SQLAlchemy are instrumented by their OpenTelemetry packages; NATS messages
carry W3C trace context in their headers, injected and extracted here.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

from callsheet_kit.settings import TracesExporter

_provider: TracerProvider | None = None


def setup_tracing(service_name: str, exporter: TracesExporter) -> None:
    """Installs the process's tracer provider once, exporting as configured.

    Without an exporter no provider is installed: the instrumentation then makes no spans at all
    (OpenTelemetry's no-op tracer), which is a quarter of a simple read's CPU in the services,
    rather than recording spans nobody receives. Trace context still passes through unchanged.
    """
    global _provider
    if _provider is not None or exporter is TracesExporter.NONE:
        return
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    if exporter is TracesExporter.OTLP:
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    elif exporter is TracesExporter.CONSOLE:
        provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
    trace.set_tracer_provider(provider)
    _provider = provider


def shutdown_tracing() -> None:
    """Flushes and stops the exporter."""
    if _provider is not None:
        _provider.shutdown()


def instrument_engine(engine: AsyncEngine) -> None:
    """Traces every SQL statement of the engine.

    Its connection-pool metrics stay off: they would be recorded at every checkout, and no
    dashboard reads them (the exported metrics are ``callsheet_kit.metrics``'s catalogue).
    """
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
    from opentelemetry.metrics import NoOpMeterProvider

    SQLAlchemyInstrumentor().instrument(engine=engine.sync_engine, meter_provider=NoOpMeterProvider())


def tracer(name: str = "callsheet") -> trace.Tracer:
    """The tracer for hand-made spans."""
    return trace.get_tracer(name)


def inject_context() -> dict[str, str]:
    """The current trace context as W3C headers (``traceparent``, ``tracestate``)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def extract_context(carrier: Mapping[str, str]) -> Context:
    """The trace context carried by W3C headers."""
    return propagate.extract(dict(carrier))


def configure_logging(level: str) -> None:
    """Plain, greppable process logs."""
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
