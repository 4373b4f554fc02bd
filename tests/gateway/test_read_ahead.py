"""GraphQL's `order` reads ahead: the first page of the order's timeline comes with the order.

A query that shows an order with its timeline and payment costs one call to orders and one to
payments, not three; anything the read-ahead is not sure of (a page after a cursor, a field asked
twice with different arguments, a field under a directive) is fetched on its own as before, and a
stranger still learns nothing (payments is not even asked).
"""

from __future__ import annotations

from typing import Any

import pytest
from gateway_stack import ORDER_ID, PAID_ORDER_ID, Stack

ORDER_SCREEN = """query($id: ID!) { order(id: $id) { id state
  timeline(first: 2) { edges { node { subtype } } pageInfo { hasNextPage endCursor } }
  payment { captured { amountCents } } } }"""


def calls(stack: Stack) -> dict[str, int]:
    return {method: len(seen) for method, seen in stack.recorded.metadata.items()}


def made(stack: Stack, before: dict[str, int]) -> dict[str, int]:
    after = calls(stack)
    return {method: after[method] - before.get(method, 0) for method in after if after[method] != before.get(method, 0)}


async def answer(stack: Stack, query: str, variables: dict[str, Any]) -> tuple[dict[str, Any], dict[str, int]]:
    before = calls(stack)
    body = await stack.graphql(query, variables)
    assert "errors" not in body, body
    return body["data"], made(stack, before)


@pytest.mark.asyncio
async def test_an_order_screen_is_one_call_to_orders_and_one_to_payments(stack: Stack) -> None:
    data, rpcs = await answer(stack, ORDER_SCREEN, {"id": PAID_ORDER_ID})
    assert rpcs == {"GetOrder": 1, "GetPaymentSummary": 1}
    order = data["order"]
    assert [edge["node"]["subtype"] for edge in order["timeline"]["edges"]] == ["order.created", "payment.authorized"]
    assert order["timeline"]["pageInfo"] == {"hasNextPage": True, "endCursor": "c2"}
    assert order["payment"]["captured"]["amountCents"] > 0


@pytest.mark.asyncio
async def test_the_same_answer_comes_through_fragments_and_variables(stack: Stack) -> None:
    query = """query($id: ID!, $n: Int) { order(id: $id) { ...Screen } }
      fragment Screen on Order { id ... on Order { timeline(first: $n) { edges { node { subtype } } } } }"""
    data, rpcs = await answer(stack, query, {"id": ORDER_ID, "n": 1})
    assert rpcs == {"GetOrder": 1}
    assert [edge["node"]["subtype"] for edge in data["order"]["timeline"]["edges"]] == ["order.created"]


@pytest.mark.asyncio
async def test_the_default_page_size_is_read_ahead_too(stack: Stack) -> None:
    data, rpcs = await answer(stack, '{ order(id: "ord_1") { timeline { edges { node { id } } } } }', {})
    assert rpcs == {"GetOrder": 1} and len(data["order"]["timeline"]["edges"]) == 2


@pytest.mark.parametrize(
    "selection",
    [
        'timeline(first: 1, after: "c1") { edges { node { id } } }',
        "a: timeline(first: 1) { edges { node { id } } } b: timeline(first: 2) { edges { node { id } } }",
        "timeline(first: 2) @include(if: true) { edges { node { id } } }",
    ],
    ids=["after-a-cursor", "asked-twice-differently", "under-a-directive"],
)
@pytest.mark.asyncio
async def test_what_the_read_ahead_is_not_sure_of_is_fetched_on_its_own(stack: Stack, selection: str) -> None:
    data, rpcs = await answer(stack, f'{{ order(id: "{ORDER_ID}") {{ id {selection} }} }}', {})
    assert rpcs.get("GetOrder") == 1 and rpcs.get("ListTimeline", 0) >= 1
    assert data["order"]["id"] == ORDER_ID


@pytest.mark.asyncio
async def test_a_stranger_reading_ahead_learns_nothing(stack: Stack, auth: Any) -> None:
    before = calls(stack)
    body = await stack.graphql(ORDER_SCREEN, {"id": PAID_ORDER_ID}, headers=auth("u_buyer_2"))
    assert body["data"] == {"order": None}
    assert [error["extensions"]["code"] for error in body["errors"]] == ["NOT_FOUND"]
    assert "GetPaymentSummary" not in made(stack, before)
