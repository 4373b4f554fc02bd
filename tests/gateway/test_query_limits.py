"""One GraphQL document cannot stall the gateway: depth, aliases, cost and page sizes are bounded.

Regressions of issue 6, finding 1: a buyer's hundred aliased ``orders(first: 200)`` with nested
timelines ran for 10.5 s and ended INTERNAL, stalling every other caller; ``first`` was unbounded
and ``first: 0`` answered a default page.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from gateway_stack import ORDER_ID, STRANGER, Stack, bearer, settings_for
from graphql import get_introspection_query, parse

from callsheet_kit.errors import DomainError
from gateway.gql.limits import QueryLimits, check_query_limits
from gateway.gql.schema import build_schema

# The query of the report, verbatim but for the hundred aliases written out.
ALIAS_ATTACK = (
    "{ "
    + " ".join(
        f"a{i}: orders(first:200){{edges{{node{{id timeline(first:200){{edges{{node{{id payload}}}}}} "
        "payment{authorized{amountCents}}}}}"
        for i in range(100)
    )
    + " }"
)
# Small enough in tokens to be measured: twenty aliases at the page limit, timelines included.
COSTLY = (
    "{ "
    + " ".join(
        f"a{i}: orders(first: 100) {{ edges {{ node {{ id timeline(first: 100) {{ edges {{ node {{ id }} }} }} }} }} }}"
        for i in range(20)
    )
    + " }"
)
SMALL = "{ orders(first: 1) { edges { node { id } } } }"
DEFAULTS = settings_for({})
LIMITS = QueryLimits(
    max_tokens=DEFAULTS.max_query_tokens,
    max_depth=DEFAULTS.max_query_depth,
    max_aliases=DEFAULTS.max_query_aliases,
    max_cost=DEFAULTS.max_query_cost,
)
SCHEMA = build_schema()
# Far below the request deadline (15 s), far above anything this machine needs to answer.
PROMPTLY_SECONDS = 5.0


def _query_refusal(body: dict[str, Any]) -> list[str]:
    """The descriptions of a refusal of the document, which must be one error naming ``query``."""
    [error] = body["errors"]
    extensions = error["extensions"]
    assert (extensions["code"], extensions["reason"]) == ("INVALID_ARGUMENT", "INVALID_QUERY"), error
    assert {violation["field"] for violation in extensions["violations"]} == {"query"}
    assert body.get("data") is None
    return [violation["description"] for violation in extensions["violations"]]


def _cost(query: str, variables: dict[str, Any] | None = None) -> str:
    limits = QueryLimits(max_tokens=10_000, max_depth=100, max_aliases=1_000, max_cost=0)
    with pytest.raises(DomainError) as refused:
        check_query_limits(SCHEMA, parse(query), variables or {}, limits)
    return refused.value.violations[-1].description


@pytest.mark.asyncio
async def test_the_reported_alias_attack_is_refused_at_once_and_calls_nothing(stack: Stack) -> None:
    calls = stack.recorded.calls
    started = time.monotonic()
    body = await stack.graphql(ALIAS_ATTACK)
    assert time.monotonic() - started < PROMPTLY_SECONDS
    [description] = _query_refusal(body)
    assert f"at most {LIMITS.max_tokens}" in description
    assert "invalid input: query" in body["errors"][0]["message"]
    assert stack.recorded.calls == calls


@pytest.mark.asyncio
async def test_aliases_and_cost_are_refused_naming_their_limits(stack: Stack) -> None:
    calls = stack.recorded.calls
    descriptions = _query_refusal(await stack.graphql(COSTLY))
    assert any(f"at most {LIMITS.max_cost} is allowed" in d for d in descriptions), descriptions
    too_many = "{ " + " ".join(f"a{i}: notificationPreferences {{ email }}" for i in range(21)) + " }"
    assert _query_refusal(await stack.graphql(too_many)) == [
        f"uses 21 aliases; at most {LIMITS.max_aliases} are allowed"
    ]
    assert stack.recorded.calls == calls


@pytest.mark.asyncio
async def test_another_callers_small_query_answers_while_attacks_are_refused(stack: Stack) -> None:
    async def small_query() -> tuple[float, Any]:
        started = time.monotonic()
        body = await stack.graphql(SMALL, headers=bearer(STRANGER))
        return time.monotonic() - started, body

    *attacks, (took, small) = await asyncio.gather(
        *(stack.graphql(query) for query in (ALIAS_ATTACK, COSTLY, ALIAS_ATTACK, COSTLY)), small_query()
    )
    for attack in attacks:
        _query_refusal(attack)
    assert "errors" not in small, small
    assert len(small["data"]["orders"]["edges"]) == 1
    assert took < PROMPTLY_SECONDS


@pytest.mark.asyncio
async def test_a_query_nested_past_the_depth_limit_is_refused(stack: Stack) -> None:
    deep = "{ __schema { types { " + "ofType { " * LIMITS.max_depth + "name" + " }" * LIMITS.max_depth + " } } }"
    [description] = _query_refusal(await stack.graphql(deep))
    assert f"at most {LIMITS.max_depth} are allowed" in description


@pytest.mark.asyncio
async def test_the_standard_introspection_query_is_served(stack: Stack) -> None:
    body = await stack.graphql(get_introspection_query(descriptions=True))
    assert "errors" not in body, body["errors"]
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"


def test_a_connection_multiplies_what_is_under_it_by_first_or_its_default() -> None:
    # orders 1 + first × (edges 1 + node 1 + id 1)
    assert _cost("{ orders(first: 10) { edges { node { id } } } }").startswith("would cost 31 ")
    # Without first, the schema's default counts (orders: 20, timeline: 50).
    assert _cost("{ orders { edges { node { id } } } }").startswith("would cost 61 ")
    assert _cost('{ order(id: "o") { timeline { edges { node { id } } } } }').startswith("would cost 152 ")
    # A variable counts with the client's value, else the variable's default.
    query = "query($n: Int = 5) { orders(first: $n) { edges { node { id } } } }"
    assert _cost(query).startswith("would cost 16 ")
    assert _cost(query, {"n": 2}).startswith("would cost 7 ")
    # Nested connections multiply: 1 + 10 × (1 + 1 + 1 + 50 × 3)
    assert _cost("{ orders(first: 10) { edges { node { id timeline { edges { node { id } } } } } } }").startswith(
        "would cost 1541 "
    )


def test_a_fragment_counts_wherever_it_is_spread_and_is_measured_once() -> None:
    spread = "{ orders(first: 10) { edges { node { ...N } } } } fragment N on Order { id state }"
    assert _cost(spread).startswith("would cost 41 ")
    # Fragments that each spread the next one twice would take 2^30 steps to expand one by one.
    chain = "{ orders { edges { node { ...F0 } } } } " + " ".join(
        f"fragment F{i} on Order {{ ...F{i + 1} ...F{i + 1} }}" for i in range(30)
    )
    started = time.monotonic()
    _cost(chain + " fragment F30 on Order { id }")
    assert time.monotonic() - started < PROMPTLY_SECONDS


def test_a_fragment_that_spreads_itself_does_not_loop() -> None:
    cycle = "{ orders { edges { node { ...A } } } } fragment A on Order { id ...B } fragment B on Order { ...A }"
    assert _cost(cycle).startswith("would cost ")


@pytest.mark.asyncio
@pytest.mark.parametrize("first", [0, -1, 101, 1000])
async def test_first_outside_one_to_a_hundred_is_refused_on_both_faces(stack: Stack, first: int) -> None:
    calls = stack.recorded.calls
    expected = [{"field": "first", "description": "must be between 1 and 100"}]
    for body in (
        await stack.graphql(f"{{ orders(first: {first}) {{ edges {{ cursor }} }} }}"),
        await stack.graphql("query($n: Int) { orders(first: $n) { edges { cursor } } }", {"n": first}),
        await stack.graphql(f'{{ order(id: "{ORDER_ID}") {{ timeline(first: {first}) {{ edges {{ cursor }} }} }} }}'),
    ):
        [error] = body["errors"]
        assert error["extensions"]["violations"] == expected, error
    for path in ("/v1/orders", "/v1/notifications", f"/v1/orders/{ORDER_ID}/timeline"):
        response = await stack.client.get(path, params={"first": first}, headers=bearer())
        assert response.status_code == 400, response.text
        assert response.json()["error"]["violations"] == expected
    # Only the order read before its timeline reached a service.
    assert stack.recorded.calls == calls + 1


@pytest.mark.asyncio
async def test_first_within_bounds_is_served(stack: Stack) -> None:
    for first in (1, 100):
        body = await stack.graphql(f"{{ orders(first: {first}) {{ edges {{ cursor }} }} }}")
        assert "errors" not in body, body
        response = await stack.client.get("/v1/orders", params={"first": first}, headers=bearer())
        assert response.status_code == 200, response.text
