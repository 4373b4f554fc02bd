"""Only an order's participants learn it exists: every REST route of an order answers anyone else 404.

Orders decides who may see an order; payments' NOT_FOUND only means "no payment yet" once
orders has said the caller may see it.
"""

from __future__ import annotations

from typing import Any

import pytest
from gateway_stack import BUYER, CURRENT_VERSION, ORDER_ID, PAID_ORDER_ID, PROVIDER, STRANGER, Stack, bearer

COMMAND = {"expectedVersion": CURRENT_VERSION, "idempotencyKey": "k-privacy"}
# Every REST route of an order, with a body it would accept from a participant.
ORDER_ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("get", "/v1/orders/{order_id}", None),
    ("get", "/v1/orders/{order_id}/timeline", None),
    ("get", "/v1/orders/{order_id}/payment", None),
    ("post", "/v1/orders/{order_id}/confirm", COMMAND),
    ("post", "/v1/orders/{order_id}/cancel", COMMAND),
    ("get", "/v1/orders/{order_id}/cards", None),
    ("post", "/v1/orders/{order_id}/cards", {"type": "COMPLETE", "payload": {}, "idempotencyKey": "k-card"}),
    ("get", "/v1/orders/{order_id}/deliverables", None),
    ("post", "/v1/orders/{order_id}/media", {"filename": "a.jpg", "contentType": "image/jpeg", "nsfw": False}),
]
ROUTE_IDS = [f"{method} {path.removeprefix('/v1/orders/{order_id}') or '/'}" for method, path, _ in ORDER_ROUTES]


def _calls(stack: Stack, method: str) -> int:
    return len(stack.recorded.metadata.get(method, []))


async def _request(stack: Stack, method: str, path: str, body: dict[str, Any] | None, *, user: str) -> Any:
    return await stack.client.request(method, path, json=body, headers=bearer(user))


@pytest.mark.asyncio
async def test_the_list_covers_every_rest_route_of_an_order(stack: Stack) -> None:
    document = (await stack.client.get("/openapi.json")).json()
    # Admin routes (/v1/admin/…) are refused to everyone but admins, whatever the order.
    served = {
        (method, path)
        for path, item in document["paths"].items()
        if path.startswith("/v1/orders/{order_id}")
        for method in item
    }
    assert served == {(method, path) for method, path, _ in ORDER_ROUTES}


@pytest.mark.asyncio
@pytest.mark.parametrize(("method", "path", "body"), ORDER_ROUTES, ids=ROUTE_IDS)
async def test_a_participant_is_answered(stack: Stack, method: str, path: str, body: dict[str, Any] | None) -> None:
    response = await _request(stack, method, path.format(order_id=ORDER_ID), body, user=PROVIDER)
    assert response.status_code == 200, response.text


@pytest.mark.asyncio
@pytest.mark.parametrize(("method", "path", "body"), ORDER_ROUTES, ids=ROUTE_IDS)
@pytest.mark.parametrize(
    ("user", "order_id"), [(STRANGER, ORDER_ID), (STRANGER, PAID_ORDER_ID), (BUYER, "ord_unknown")]
)
async def test_a_stranger_or_an_unknown_order_is_not_found(
    stack: Stack, method: str, path: str, body: dict[str, Any] | None, user: str, order_id: str
) -> None:
    payments_asked = _calls(stack, "GetPaymentSummary")
    response = await _request(stack, method, path.format(order_id=order_id), body, user=user)
    assert response.status_code == 404, response.text
    assert response.json()["error"]["code"] == "NOT_FOUND"
    # Nothing is asked of payments about an order the caller may not see.
    assert _calls(stack, "GetPaymentSummary") == payments_asked


@pytest.mark.asyncio
async def test_rest_payment_is_null_while_there_is_none_and_the_summary_once_there_is(stack: Stack) -> None:
    none_yet = await stack.client.get(f"/v1/orders/{ORDER_ID}/payment", headers=bearer(BUYER))
    assert (none_yet.status_code, none_yet.json()) == (200, None)

    paid = await stack.client.get(f"/v1/orders/{PAID_ORDER_ID}/payment", headers=bearer(BUYER))
    assert paid.status_code == 200, paid.text
    assert paid.json() == {
        "status": "PARTIALLY_REFUNDED",
        "authorized": {"amountCents": 33000, "currency": "USD"},
        "voided": {"amountCents": 0, "currency": "USD"},
        "captured": {"amountCents": 33000, "currency": "USD"},
        "refunded": {"amountCents": 16500, "currency": "USD"},
        "pendingExtras": {"amountCents": 0, "currency": "USD"},
        "receipts": [
            {
                "id": "rcp_1",
                "kind": "booking",
                "total": {"amountCents": 33000, "currency": "USD"},
                "downloadUrl": "",
                "createdAt": "2030-05-01T10:00:00Z",
            }
        ],
        "chargedExtras": {"amountCents": 0, "currency": "USD"},
        "chargedBack": {"amountCents": 0, "currency": "USD"},
        "paidOut": {"amountCents": 0, "currency": "USD"},
        "reserveFrozen": False,
        "charges": [],
        "payout": None,
        "chargebacks": [],
    }


@pytest.mark.asyncio
async def test_graphql_payment_asks_payments_only_once_orders_has_answered(stack: Stack) -> None:
    query = """query($id: ID!) { order(id: $id) { id payment { refunded { amountCents currency }
        receipts { id kind createdAt } } } }"""
    orders_asked, payments_asked = _calls(stack, "GetOrder"), _calls(stack, "GetPaymentSummary")
    body = await stack.graphql(query, {"id": PAID_ORDER_ID})
    assert "errors" not in body, body
    assert body["data"]["order"]["payment"] == {
        "refunded": {"amountCents": 16500, "currency": "USD"},
        "receipts": [{"id": "rcp_1", "kind": "booking", "createdAt": "2030-05-01T10:00:00Z"}],
    }
    # The order was read once, by the order field; Order.payment adds no second read.
    assert (_calls(stack, "GetOrder"), _calls(stack, "GetPaymentSummary")) == (orders_asked + 1, payments_asked + 1)

    stranger = await stack.graphql(query, {"id": PAID_ORDER_ID}, headers=bearer(STRANGER))
    assert stranger["data"] == {"order": None}
    assert stranger["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert _calls(stack, "GetPaymentSummary") == payments_asked + 1
