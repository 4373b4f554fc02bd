"""Probes, webhooks and the OpenAPI document."""

from __future__ import annotations

import pytest
from gateway_stack import Recorded, Stack, running_gateway, settings_for

V1_ROUTES = {
    ("post", "/v1/quotes"),
    ("post", "/v1/checkout"),
    ("get", "/v1/orders"),
    ("get", "/v1/orders/{order_id}"),
    ("get", "/v1/orders/{order_id}/timeline"),
    ("post", "/v1/orders/{order_id}/confirm"),
    ("post", "/v1/orders/{order_id}/cancel"),
    ("get", "/v1/notifications"),
    ("get", "/v1/notification-preferences"),
    ("patch", "/v1/notification-preferences"),
    ("post", "/v1/dev/advance-clock"),
}


@pytest.mark.asyncio
async def test_healthz_says_the_process_is_alive(stack: Stack) -> None:
    response = await stack.client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


@pytest.mark.asyncio
async def test_readyz_is_200_when_every_service_serves(stack: Stack) -> None:
    response = await stack.client.get("/readyz")
    assert response.status_code == 200


@pytest.mark.asyncio
async def test_readyz_is_503_naming_the_services_that_do_not(fake_services: tuple[int, Recorded]) -> None:
    port, recorded = fake_services
    settings = settings_for(port, CALLSHEET_CARDS_ADDR="127.0.0.1:1", CALLSHEET_RPC_TIMEOUT_SECONDS=1.0)
    async with running_gateway(settings, recorded) as stack:
        response = await stack.client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["notServing"] == ["cards"]


@pytest.mark.asyncio
async def test_stripe_webhooks_are_not_available_yet(stack: Stack) -> None:
    response = await stack.client.post("/webhooks/stripe", content=b"{}")
    assert response.status_code == 501
    assert response.json()["error"] | {"message": ""} == {
        "code": "FAILED_PRECONDITION",
        "reason": "NOT_AVAILABLE",
        "message": "",
    }


@pytest.mark.asyncio
async def test_openapi_documents_every_v1_route_in_camel_case(stack: Stack) -> None:
    document = (await stack.client.get("/openapi.json")).json()
    routes = {(method, path) for path, item in document["paths"].items() for method in item}
    assert routes >= V1_ROUTES
    order = document["components"]["schemas"]["Order"]["properties"]
    assert {"startUtc", "priceSnapshot", "buyerId"} <= set(order)
    assert "ErrorEnvelope" in document["components"]["schemas"]
