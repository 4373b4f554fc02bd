"""Probes: /healthz (the process is alive) and /readyz (every service reports SERVING)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from grpc_health.v1 import health_pb2

from callsheet_kit.errors import DomainError
from callsheet_kit.rpc import invoke
from gateway.backends import SERVICES, Backends

# A readiness probe must answer well within the orchestrator's probe timeout.
_PROBE_TIMEOUT_SECONDS = 2.0

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """200 while the process is alive."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """200 when every service's standard gRPC health check reports SERVING, else 503 naming the rest."""
    backends: Backends = request.app.state.backends
    serving = await asyncio.gather(*(_is_serving(backends, service) for service in SERVICES))
    not_serving = [service for service, ok in zip(SERVICES, serving, strict=True) if not ok]
    if not_serving:
        return JSONResponse({"status": "unavailable", "notServing": not_serving}, status_code=503)
    return JSONResponse({"status": "ready"})


async def _is_serving(backends: Backends, service: str) -> bool:
    timeout = min(_PROBE_TIMEOUT_SECONDS, backends.timeout)
    try:
        response = await invoke(
            backends.health(service).Check,
            health_pb2.HealthCheckRequest(service=""),
            timeout=timeout,
            wait_for_ready=False,
        )
    except DomainError:
        return False
    return bool(response.status == health_pb2.HealthCheckResponse.SERVING)
