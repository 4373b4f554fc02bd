"""Bad input is refused at the edge, naming the public field, before any service is called.

Regressions of issue 6, findings 3 and 5: a NUL byte or a lone surrogate in any string, a huge
``expectedVersion`` on REST or an oversized location answered 500/INTERNAL instead of
INVALID_ARGUMENT; and messages named internal fields (``request_id``) where the violation named
the public one.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from gateway_stack import (
    CURRENT_VERSION,
    ORDER_ID,
    REFUSED_KEY,
    UNKNOWN_PAYMENT_METHOD,
    Stack,
    bearer,
    quote_input,
)

CHECKOUT = "mutation($i: CheckoutInput!) { checkout(input: $i) { id } }"
CONFIRM = "mutation($i: OrderCommandInput!) { confirmOrder(input: $i) { id } }"
CANCEL = "mutation($i: OrderCommandInput!) { cancelOrder(input: $i) { id } }"
QUOTE = "mutation($i: CreateQuoteInput!) { createQuote(input: $i) { id } }"
GOOD_CHECKOUT = {"quoteId": "qte_1", "paymentMethodId": "pm_card_visa", "idempotencyKey": "k-hygiene"}
# What a string must never hold, and one past each length limit.
BAD_TEXT = {"nul": "q\x00", "surrogate": "q\ud800", "control": "q\x1b[2J", "newline": "q\nq"}


def _violations(body_or_envelope: dict[str, Any]) -> dict[str, str]:
    if "error" in body_or_envelope:
        error = body_or_envelope["error"]
    else:
        [error] = body_or_envelope["errors"]
        error = {"message": error["message"], **error["extensions"]}
    assert error["code"] == "INVALID_ARGUMENT", error
    return {violation["field"]: violation["description"] for violation in error["violations"]}


async def _post_json(stack: Stack, path: str, body: Any) -> Any:
    # json.dumps, not httpx's encoder: a lone surrogate must reach the gateway as its JSON escape.
    return await stack.client.post(
        path, content=json.dumps(body), headers={**bearer(), "content-type": "application/json"}
    )


async def _graphql(stack: Stack, query: str, variables: dict[str, Any]) -> Any:
    response = await _post_json(stack, "/graphql", {"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.asyncio
@pytest.mark.parametrize("text", BAD_TEXT.values(), ids=BAD_TEXT.keys())
async def test_bad_text_in_a_graphql_variable_is_refused_by_field(stack: Stack, text: str) -> None:
    calls = stack.recorded.calls
    body = await _graphql(stack, CHECKOUT, {"i": {**GOOD_CHECKOUT, "quoteId": text}})
    assert list(_violations(body)) == ["input.quoteId"]
    assert stack.recorded.calls == calls


@pytest.mark.asyncio
async def test_bad_text_in_a_graphql_literal_is_refused_by_field(stack: Stack) -> None:
    calls = stack.recorded.calls
    body = await stack.graphql('{ order(id: "ord_1\\u0000") { id } }')
    assert _violations(body) == {"id": "must not contain NUL characters"}
    body = await stack.graphql('{ order(id: "ord_1\\u001b") { id } }')
    assert list(_violations(body)) == ["id"]
    assert stack.recorded.calls == calls


@pytest.mark.asyncio
@pytest.mark.parametrize("text", BAD_TEXT.values(), ids=BAD_TEXT.keys())
async def test_bad_text_in_a_rest_body_path_or_query_is_refused_by_field(stack: Stack, text: str) -> None:
    calls = stack.recorded.calls
    response = await _post_json(stack, "/v1/checkout", {**GOOD_CHECKOUT, "quoteId": text})
    assert response.status_code == 400, response.text
    assert list(_violations(response.json())) == ["quoteId"]
    if "\ud800" not in text:  # a URL carries UTF-8, where no lone surrogate can be written
        response = await stack.client.get(f"/v1/orders/{quote(text)}", headers=bearer())
        assert (response.status_code, list(_violations(response.json()))) == (400, ["orderId"])
        response = await stack.client.get("/v1/orders", params={"after": text}, headers=bearer())
        assert (response.status_code, list(_violations(response.json()))) == (400, ["after"])
    assert stack.recorded.calls == calls


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("field", "limit"),
    [("quoteId", 64), ("paymentMethodId", 100), ("idempotencyKey", 200)],
)
async def test_over_long_text_is_refused_on_both_faces(stack: Stack, field: str, limit: int) -> None:
    calls = stack.recorded.calls
    value = "pm_" + "x" * (limit - 2) if field == "paymentMethodId" else "x" * (limit + 1)
    body = await stack.graphql(CHECKOUT, {"i": {**GOOD_CHECKOUT, field: value}})
    assert _violations(body) == {f"input.{field}": f"must be at most {limit} characters"}
    response = await _post_json(stack, "/v1/checkout", {**GOOD_CHECKOUT, field: value})
    assert _violations(response.json()) == {field: f"must be at most {limit} characters"}
    for path in ("/v1/orders/" + "o" * 65, "/v1/orders?after=" + "c" * 513):
        response = await stack.client.get(path, headers=bearer())
        assert response.status_code == 400, (path, response.text)
    assert stack.recorded.calls == calls


@pytest.mark.asyncio
async def test_free_text_may_span_lines_within_its_own_limit(stack: Stack) -> None:
    command = {"orderId": ORDER_ID, "expectedVersion": CURRENT_VERSION, "idempotencyKey": "k-free-text"}
    body = await stack.graphql(CANCEL, {"i": {**command, "reason": "rained out\nsee you soon"}})
    assert "errors" not in body, body
    body = await stack.graphql(CANCEL, {"i": {**command, "reason": "r" * 2_001}})
    assert _violations(body) == {"input.reason": "must be at most 2000 characters"}


@pytest.mark.asyncio
async def test_a_huge_or_negative_expected_version_is_refused_on_both_faces(stack: Stack) -> None:
    calls = stack.recorded.calls
    response = await stack.client.post(
        f"/v1/orders/{ORDER_ID}/confirm",
        content=b'{"expectedVersion": 99999999999999999999, "idempotencyKey": "k"}',
        headers={**bearer(), "content-type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert _violations(response.json()) == {"expectedVersion": "must be between 0 and 2147483647"}
    body = await stack.graphql(CONFIRM, {"i": {"orderId": ORDER_ID, "expectedVersion": -1, "idempotencyKey": "k"}})
    assert _violations(body) == {"input.expectedVersion": "must be between 0 and 2147483647"}
    admin = bearer("u_admin", ["admin"])
    response = await stack.client.post("/v1/dev/advance-clock", json={"seconds": 10**20}, headers=admin)
    assert response.status_code == 400, response.text
    assert stack.recorded.calls == calls


LOCATIONS: dict[str, tuple[Any, str]] = {
    "empty": ({}, "location.country"),
    "unknown-country": ({"country": "ZZ"}, "location.country"),
    "country-not-text": ({"country": 1}, "location.country"),
    "unknown-region": ({"country": "US", "region": "XX"}, "location.region"),
    "unknown-key": ({"country": "DE", "planet": "Mars"}, "location.planet"),
    "nested": ({"country": "DE", "city": {"name": "Berlin"}}, "location"),
    "too-deep-for-json": ({"country": "DE", "a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": {}}}}}}}}}, "location"),
    "over-16-kib": ({"country": "DE", "name": "n" * 20_000}, "location"),
    "nul": ({"country": "DE", "city": "Ber\x00lin"}, "location"),
    "not-an-object": ("DE", "location"),
}


@pytest.mark.asyncio
@pytest.mark.parametrize(("location", "field"), LOCATIONS.values(), ids=LOCATIONS.keys())
async def test_a_location_payments_cannot_tax_is_refused(stack: Stack, location: Any, field: str) -> None:
    calls = stack.recorded.calls
    body = await stack.graphql(QUOTE, {"i": quote_input(location=location)})
    assert f"input.{field}" in _violations(body)
    response = await _post_json(stack, "/v1/quotes", quote_input(location=location))
    assert response.status_code == 400, response.text
    assert field in _violations(response.json())
    assert stack.recorded.calls == calls


@pytest.mark.asyncio
async def test_a_location_with_country_and_region_is_priced(stack: Stack) -> None:
    for location in ({"country": "US", "region": "NY"}, {"country": "us", "region": "US-CA", "city": "LA"}):
        body = await stack.graphql(QUOTE, {"i": quote_input(location=location)})
        assert "errors" not in body, body
    assert json.loads(stack.recorded.quote_requests[-1].location_json)["region"] == "US-CA"


@pytest.mark.asyncio
async def test_a_payment_method_id_unlike_stripes_is_refused_and_a_well_formed_one_passes(stack: Stack) -> None:
    calls = stack.recorded.calls
    for bad in ("pm_bogus!", "card_visa", "pm_", "pm_visa 4242"):
        body = await stack.graphql(CHECKOUT, {"i": {**GOOD_CHECKOUT, "paymentMethodId": bad}})
        assert _violations(body) == {
            "input.paymentMethodId": "must be a Stripe payment method id such as pm_card_visa"
        }, bad
    assert stack.recorded.calls == calls

    # Well-formed but unknown: orders is asked, and its refusal names the public field.
    body = await stack.graphql(CHECKOUT, {"i": {**GOOD_CHECKOUT, "paymentMethodId": UNKNOWN_PAYMENT_METHOD}})
    assert _violations(body) == {"input.paymentMethodId": "is not a payment method Stripe knows"}
    assert stack.recorded.calls == calls + 1
    assert "payment_method_id" not in body["errors"][0]["message"]
    ok = await stack.graphql(CHECKOUT, {"i": GOOD_CHECKOUT})
    assert "errors" not in ok, ok


@pytest.mark.asyncio
async def test_messages_name_the_public_field_never_the_services(stack: Stack) -> None:
    command = {"orderId": ORDER_ID, "expectedVersion": CURRENT_VERSION, "idempotencyKey": REFUSED_KEY}
    body = await stack.graphql(CONFIRM, {"i": command})
    [error] = body["errors"]
    assert error["message"] == "invalid input: input.idempotencyKey was refused"
    assert error["extensions"]["violations"] == [{"field": "input.idempotencyKey", "description": "was refused"}]

    response = await stack.client.post(
        f"/v1/orders/{ORDER_ID}/confirm",
        json={"expectedVersion": CURRENT_VERSION, "idempotencyKey": REFUSED_KEY},
        headers=bearer(),
    )
    assert response.json()["error"]["message"] == "invalid input: idempotencyKey was refused"
    assert "request_id" not in response.text
