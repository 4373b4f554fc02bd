"""A real OTLP/gRPC trace receiver the services export to, so tests can read whole traces."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from concurrent import futures
from dataclasses import dataclass
from typing import Any

import grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc


@dataclass(frozen=True)
class ExportedSpan:
    """One span as a service exported it."""

    service: str
    name: str
    trace_id: str
    kind: int


class Collector(trace_service_pb2_grpc.TraceServiceServicer):
    """Keeps every exported span in memory."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.spans: list[ExportedSpan] = []

    def Export(self, request: Any, context: Any) -> Any:
        with self._lock:
            for resource_spans in request.resource_spans:
                service = next(
                    (a.value.string_value for a in resource_spans.resource.attributes if a.key == "service.name"), "?"
                )
                for scope in resource_spans.scope_spans:
                    for span in scope.spans:
                        self.spans.append(ExportedSpan(service, span.name, span.trace_id.hex(), span.kind))
        return trace_service_pb2.ExportTraceServiceResponse()

    def traces(self) -> dict[str, list[ExportedSpan]]:
        """Spans grouped by trace id."""
        grouped: dict[str, list[ExportedSpan]] = defaultdict(list)
        with self._lock:
            for span in self.spans:
                grouped[span.trace_id].append(span)
        return grouped

    def wait_for_trace(self, *, services: set[str], containing: str, timeout: float = 20.0) -> list[ExportedSpan]:
        """The first trace with a span named ``containing`` that spans all ``services``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for spans in self.traces().values():
                if any(containing in s.name for s in spans) and services <= {s.service for s in spans}:
                    return spans
            time.sleep(0.2)
        raise AssertionError(f"no trace covers {sorted(services)} with a span named like {containing!r}")


def start_collector(port: int) -> tuple[grpc.Server, Collector]:
    """Serves OTLP/gRPC on 127.0.0.1:port."""
    collector = Collector()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    trace_service_pb2_grpc.add_TraceServiceServicer_to_server(collector, server)
    server.add_insecure_port(f"127.0.0.1:{port}")
    server.start()
    return server, collector
