"""Probes, webhooks and the OpenAPI document."""

from __future__ import annotations

import pytest
from gateway_stack import Recorded, Stack, bearer, running_gateway, settings_for

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
async def test_readyz_is_503_naming_the_services_that_do_not(fake_services: tuple[dict[str, int], Recorded]) -> None:
    ports, recorded = fake_services
    settings = settings_for(ports, CALLSHEET_CARDS_ADDR="127.0.0.1:1", CALLSHEET_RPC_TIMEOUT_SECONDS=1.0)
    async with running_gateway(settings, recorded) as stack:
        response = await stack.client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["notServing"] == ["cards"]


@pytest.mark.asyncio
async def test_a_stripe_delivery_reaches_payments_byte_for_byte_with_its_signature(stack: Stack) -> None:
    body = b'{"id": "evt_1",  "object": "event", "type": "payment_intent.canceled"}\n'
    response = await stack.client.post(
        "/webhooks/stripe",
        content=body,
        headers={"Stripe-Signature": "t=1,v1=good", "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "received": True,
        "eventId": "evt_1",
        "type": "payment_intent.canceled",
        "duplicate": False,
    }
    delivered = stack.recorded.stripe_deliveries[-1]
    assert (delivered.payload, delivered.signature) == (body, "t=1,v1=good")
    # No bearer token: the signature is Stripe's proof, checked by payments.
    assert stack.recorded.callers["ReceiveStripeEvent"][-1] == ""


@pytest.mark.asyncio
async def test_a_stripe_delivery_with_a_bad_or_missing_signature_is_400(stack: Stack) -> None:
    for headers in ({"Stripe-Signature": "t=1,v1=forged"}, {}):
        response = await stack.client.post("/webhooks/stripe", content=b"{}", headers=headers)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "INVALID_ARGUMENT"
        assert response.json()["error"]["violations"][0]["field"] == "signature"


@pytest.mark.asyncio
async def test_openapi_documents_every_v1_route_in_camel_case(stack: Stack) -> None:
    document = (await stack.client.get("/openapi.json")).json()
    routes = {(method, path) for path, item in document["paths"].items() for method in item}
    assert routes >= V1_ROUTES
    order = document["components"]["schemas"]["Order"]["properties"]
    assert {"startUtc", "priceSnapshot", "buyerId"} <= set(order)
    assert "ErrorEnvelope" in document["components"]["schemas"]


@pytest.mark.asyncio
async def test_an_unknown_route_or_a_wrong_method_answers_with_the_envelope(stack: Stack) -> None:
    # Regression (issue 6, finding 8): FastAPI's {"detail": …} instead of the envelope.
    unknown = await stack.client.get("/v1/nowhere", headers=bearer())
    assert unknown.status_code == 404
    assert unknown.json() == {
        "error": {"code": "NOT_FOUND", "reason": "NOT_FOUND", "message": "there is no route GET /v1/nowhere"}
    }
    wrong = await stack.client.delete("/v1/orders", headers=bearer())
    assert wrong.status_code == 405
    assert wrong.headers["allow"] == "GET"
    assert wrong.json()["error"] | {"message": ""} == {
        "code": "NOT_FOUND",
        "reason": "METHOD_NOT_ALLOWED",
        "message": "",
    }
    graphql_get = await stack.client.get("/graphql")
    assert (graphql_get.status_code, graphql_get.json()["error"]["reason"]) == (405, "METHOD_NOT_ALLOWED")


@pytest.mark.asyncio
async def test_openapi_documents_bearer_auth_on_every_v1_route_and_no_422(stack: Stack) -> None:
    # Regression (issue 6, finding 8): no security scheme, so /docs could not authorize; a 422
    # documented that the gateway never sends.
    document = (await stack.client.get("/openapi.json")).json()
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "An HS256 JWT naming the caller (sub) and their roles; it must carry exp.",
    }
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert "422" not in operation["responses"], (method, path)
            if path.startswith("/v1/"):
                assert operation["security"] == [{"bearerAuth": []}], (method, path)
                assert {"400", "401", "413", "503", "default"} <= set(operation["responses"]), (method, path)
    assert "HTTPValidationError" not in document["components"]["schemas"]
    first = next(p for p in document["paths"]["/v1/orders"]["get"]["parameters"] if p["name"] == "first")
    assert (first["schema"]["minimum"], first["schema"]["maximum"]) == (1, 100)
