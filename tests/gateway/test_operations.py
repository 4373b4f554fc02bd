"""GraphQL and REST reach the services with the caller and map their answers and errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from gateway_stack import CURRENT_VERSION, ORDER_ID, PAID_ORDER_ID, VOIDED_ORDER_ID, Stack, bearer, quote_input

from callsheet_kit.identity import Caller

ORDER_FIELDS = """
  id state version buyerId providerId roleCode startUtc endUtc timezone location priceSnapshot policySnapshot
  cards { id } openActions { id } deliverables { id }
"""


@pytest.mark.asyncio
async def test_order_maps_every_field_of_the_service_order(stack: Stack) -> None:
    body = await stack.graphql(f'{{ order(id: "{ORDER_ID}") {{ {ORDER_FIELDS} }} }}')
    assert "errors" not in body
    assert body["data"]["order"] == {
        "id": ORDER_ID,
        "state": "AUTHORIZED",
        "version": 3,
        "buyerId": "u_buyer_1",
        "providerId": "u_provider_1",
        "roleCode": "photographer",
        "startUtc": "2030-05-01T10:00:00Z",
        "endUtc": "2030-05-01T12:00:00Z",
        "timezone": "Europe/Berlin",
        "location": {"city": "Berlin", "country": "DE"},
        "priceSnapshot": {"totalCents": 33000},
        "policySnapshot": {"version": "v1"},
        "cards": [],
        "openActions": [],
        "deliverables": [],
    }


@pytest.mark.asyncio
async def test_the_caller_reaches_the_service_in_the_gateways_signed_credential(
    stack: Stack, auth: Callable[..., Any]
) -> None:
    await stack.graphql(f'{{ order(id: "{ORDER_ID}") {{ id }} }}', headers=auth("u_provider_1", ["admin"]))
    await stack.client.get(f"/v1/orders/{ORDER_ID}", headers=auth("u_buyer_2"))
    graphql_call, rest_call = stack.recorded.verified["GetOrder"][-2:]
    assert graphql_call == Caller(user_id="u_provider_1", roles=frozenset({"admin"}), service="gateway")
    assert rest_call == Caller(user_id="u_buyer_2", service="gateway")
    assert stack.recorded.callers["GetOrder"][-2:] == ["u_provider_1", "u_buyer_2"]
    # Nothing the services could be fooled by travels as plain metadata any more.
    wire = stack.recorded.metadata["GetOrder"][-1]
    assert not [key for key in wire if key.startswith("x-callsheet-")]
    assert wire["authorization"].startswith("Bearer ")


@pytest.mark.asyncio
async def test_a_not_found_status_becomes_the_not_found_code(stack: Stack) -> None:
    body = await stack.graphql('{ order(id: "ord_someone_elses") { id } }')
    assert body["data"] == {"order": None}
    [error] = body["errors"]
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["path"] == ["order"]

    response = await stack.client.get("/v1/orders/ord_someone_elses", headers=_buyer())
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


@pytest.mark.asyncio
async def test_timeline_pages_and_payment_absent_is_null(stack: Stack) -> None:
    query = f"""{{ order(id: "{ORDER_ID}") {{
        timeline(first: 2) {{ edges {{ cursor node {{ id kind subtype actorUserId payload createdAt }} }}
                             pageInfo {{ hasNextPage endCursor }} }}
        payment {{ captured {{ amountCents }} }}
    }} }}"""
    body = await stack.graphql(query)
    assert "errors" not in body
    order = body["data"]["order"]
    assert order["payment"] is None
    edges = order["timeline"]["edges"]
    assert [edge["cursor"] for edge in edges] == ["c1", "c2"]
    assert edges[0]["node"]["actorUserId"] is None
    assert edges[1]["node"] == {
        "id": "tev_2",
        "kind": "payment",
        "subtype": "payment.authorized",
        "actorUserId": "u_buyer_1",
        "payload": {"amountCents": 33000},
        "createdAt": "2030-05-01T10:00:00Z",
    }
    assert order["timeline"]["pageInfo"] == {"hasNextPage": True, "endCursor": "c2"}


@pytest.mark.asyncio
async def test_create_quote_maps_price_and_policy(stack: Stack) -> None:
    query = """mutation($input: CreateQuoteInput!) { createQuote(input: $input) {
        id subtotal { amountCents currency } platformFee { amountCents } total { amountCents } policySnapshot expiresAt
    } }"""
    body = await stack.graphql(query, {"input": quote_input()})
    assert "errors" not in body, body
    quote = body["data"]["createQuote"]
    assert quote["subtotal"] == {"amountCents": 30000, "currency": "USD"}
    assert quote["platformFee"] == {"amountCents": 3000}
    assert quote["total"] == {"amountCents": 33000}
    assert quote["policySnapshot"] == {
        "version": "v1",
        "buyerCancellationTiers": [{"minHoursBeforeStart": 72, "refundPercent": 100}],
        "providerCancellationRefundPercent": 100,
        "disputeWindowDays": 7,
        "reviewsWindowDays": 0,
        "payoutDelayDays": 0,
    }


@pytest.mark.asyncio
async def test_service_violations_name_the_graphql_input_path(stack: Stack) -> None:
    body = await stack.graphql(
        "mutation($input: CreateQuoteInput!) { createQuote(input: $input) { id } }",
        {"input": quote_input(endUtc="2030-05-01T09:00:00Z")},
    )
    [error] = body["errors"]
    assert error["extensions"]["code"] == "INVALID_ARGUMENT"
    assert error["extensions"]["violations"] == [{"field": "input.endUtc", "description": "must be after start_utc"}]

    response = await stack.client.post("/v1/quotes", json=quote_input(endUtc="2030-05-01T09:00:00Z"), headers=_buyer())
    assert response.status_code == 400
    assert response.json()["error"]["violations"] == [{"field": "endUtc", "description": "must be after start_utc"}]


@pytest.mark.asyncio
async def test_a_stale_version_is_a_conflict_with_the_current_version(stack: Stack) -> None:
    body = await stack.graphql(
        "mutation($input: OrderCommandInput!) { confirmOrder(input: $input) { id } }",
        {"input": {"orderId": ORDER_ID, "expectedVersion": 1, "idempotencyKey": "k1"}},
    )
    [error] = body["errors"]
    assert error["extensions"] == {"code": "CONFLICT", "reason": "CONFLICT", "currentVersion": CURRENT_VERSION}

    response = await stack.client.post(
        f"/v1/orders/{ORDER_ID}/confirm", json={"expectedVersion": 1, "idempotencyKey": "k1"}, headers=_buyer()
    )
    assert response.status_code == 409
    assert response.json()["error"]["currentVersion"] == CURRENT_VERSION


@pytest.mark.asyncio
async def test_rest_order_has_the_graphql_shape(stack: Stack) -> None:
    response = await stack.client.get(f"/v1/orders/{ORDER_ID}", headers=_buyer())
    assert response.status_code == 200
    order = response.json()
    assert order["state"] == "AUTHORIZED"
    assert order["startUtc"] == "2030-05-01T10:00:00Z"
    assert order["location"] == {"city": "Berlin", "country": "DE"}


@pytest.mark.asyncio
async def test_advance_clock_is_for_admins_and_moves_every_service(stack: Stack, auth: Callable[..., Any]) -> None:
    mutation = "mutation($s: Int!) { advanceClock(seconds: $s) }"
    denied = await stack.graphql(mutation, {"s": 60})
    assert denied["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"

    invalid = await stack.graphql(mutation, {"s": 0}, headers=auth("u_admin", ["admin"]))
    assert invalid["errors"][0]["extensions"]["violations"] == [
        {"field": "seconds", "description": "must be between 1 and 2147483647"}
    ]

    before = stack.recorded.clock_offsets.get("offset", 0)
    moved = await stack.graphql(mutation, {"s": 3600}, headers=auth("u_admin", ["admin"]))
    assert "errors" not in moved
    assert stack.recorded.clock_offsets["offset"] == before + 3600
    assert moved["data"]["advanceClock"].endswith("Z")


def _buyer() -> dict[str, str]:
    return bearer("u_buyer_1")


@pytest.mark.asyncio
async def test_null_clears_quiet_hours_and_absent_fields_stay(stack: Stack) -> None:
    body = await stack.graphql(
        "mutation($input: NotificationPreferencesInput!) { updateNotificationPreferences(input: $input) "
        "{ timezone quietHoursStart quietHoursEnd email } }",
        {"input": {"quietHoursStart": None, "quietHoursEnd": None, "email": False}},
    )
    assert body["data"]["updateNotificationPreferences"] == {
        "timezone": "UTC",
        "quietHoursStart": None,
        "quietHoursEnd": None,
        "email": False,
    }
    sent = stack.recorded.preference_updates[-1]
    assert sent.HasField("quiet_hours_start") and sent.quiet_hours_start == ""
    assert not sent.HasField("timezone") and not sent.HasField("push")

    response = await stack.client.patch(
        "/v1/notification-preferences", json={"quietHoursStart": "22:00", "quietHoursEnd": None}, headers=_buyer()
    )
    assert response.status_code == 200, response.text
    sent = stack.recorded.preference_updates[-1]
    assert (sent.quiet_hours_start, sent.quiet_hours_end) == ("22:00", "")
    assert sent.HasField("quiet_hours_end") and not sent.HasField("email")
    assert response.json()["quietHoursStart"] == "22:00"


@pytest.mark.asyncio
async def test_a_voided_payment_says_so_and_what_it_released(stack: Stack) -> None:
    # Regression (issue 6, finding 7): after a void, authorized still showed the total, with no sign of the void.
    query = """query($id: ID!) { order(id: $id) { payment {
        status authorized { amountCents } voided { amountCents currency } captured { amountCents } } } }"""
    voided = await stack.graphql(query, {"id": VOIDED_ORDER_ID})
    assert voided["data"]["order"]["payment"] == {
        "status": "VOIDED",
        "authorized": {"amountCents": 33000},
        "voided": {"amountCents": 33000, "currency": "USD"},
        "captured": {"amountCents": 0},
    }
    paid = await stack.graphql(query, {"id": PAID_ORDER_ID})
    assert paid["data"]["order"]["payment"]["status"] == "PARTIALLY_REFUNDED"
    assert paid["data"]["order"]["payment"]["voided"] == {"amountCents": 0, "currency": "USD"}

    response = await stack.client.get(f"/v1/orders/{VOIDED_ORDER_ID}/payment", headers=_buyer())
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["voided"]) == (
        "VOIDED",
        {"amountCents": 33000, "currency": "USD"},
    )
