"""One trace per user action: the gateway's request span is the parent of its gRPC calls."""

from __future__ import annotations

import pytest
from gateway_stack import ORDER_ID, Stack
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind


@pytest.mark.asyncio
async def test_grpc_client_spans_belong_to_the_request_span(stack: Stack) -> None:
    # The gateway under test runs without an exporter, which makes no spans at all; a recording
    # provider installed now is picked up by its instrumentation, which resolves tracers lazily.
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        trace.set_tracer_provider(TracerProvider())
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))

    await stack.graphql(f'{{ order(id: "{ORDER_ID}") {{ id }} }}')

    spans = exporter.get_finished_spans()
    [server] = [s for s in spans if s.kind is SpanKind.SERVER and "/graphql" in s.name]
    [client] = [s for s in spans if s.kind is SpanKind.CLIENT and "GetOrder" in s.name]
    by_id = {s.context.span_id: s for s in spans}
    ancestor = client
    while ancestor.parent is not None and ancestor.parent.span_id in by_id:
        ancestor = by_id[ancestor.parent.span_id]
    assert ancestor is server
    exporter.clear()
