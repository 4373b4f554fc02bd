"""Every request is bounded in body size, JSON nesting and time, and a refusal has the face's error shape.

Regressions of issue 6: a JSON body nested 1,000 deep ended in a RecursionError (500); a 10 MB
location reached gRPC's 4 MB limit (500); a request that could not finish held its client for
minutes, since nothing bounded the request as a whole.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from gateway_stack import (
    ORDER_ID,
    SLOW_ORDER_ID,
    STRANGER,
    Recorded,
    Stack,
    bearer,
    quote_input,
    running_gateway,
    settings_for,
)

from gateway.request_bounds import json_nesting_exceeds

MAX_BODY_BYTES = settings_for({}).max_body_bytes
MAX_BODY_DEPTH = settings_for({}).max_body_depth
# The deadline of the gateway under test below, and what "promptly" means next to it.
SHORT_DEADLINE_SECONDS = 1.0
PROMPTLY_SECONDS = 5.0


def _nested(depth: int) -> Any:
    value: Any = {"country": "DE"}
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize(
    ("text", "limit", "exceeds"),
    [
        (b'{"a": [1, {"b": []}]}', 4, False),
        (b'{"a": [1, {"b": [[]]}]}', 4, True),
        (b"[" * 1000 + b"]" * 1000, 32, True),
        # Brackets inside strings, escaped quotes included, do not nest.
        (b'{"a": "[[[[{{{{", "b": "\\"[[[[[[[["}', 2, False),
        (b'{"a": "\\\\", "b": [[[]]]}', 3, True),
        (b"", 1, False),
    ],
)
def test_json_nesting_is_measured_outside_strings(text: bytes, limit: int, exceeds: bool) -> None:
    assert json_nesting_exceeds(text, limit) is exceeds


@pytest.mark.asyncio
@pytest.mark.parametrize("size", [MAX_BODY_BYTES + 1, 10 * 1024 * 1024], ids=["just-over", "10-MiB"])
async def test_a_body_over_the_size_limit_is_refused_with_the_envelope(stack: Stack, size: int) -> None:
    calls = stack.recorded.calls
    big_location = {"country": "DE", "name": "x" * size}
    response = await stack.client.post("/v1/quotes", json=quote_input(location=big_location), headers=bearer())
    assert response.status_code == 413
    assert response.json()["error"]["violations"] == [
        {"field": "body", "description": f"must be at most {MAX_BODY_BYTES} bytes"}
    ]
    body = await stack.graphql(
        "mutation($i: CreateQuoteInput!) { createQuote(input: $i) { id } }", {"i": quote_input(location=big_location)}
    )
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["violations"][0]["field"] == "body"
    assert stack.recorded.calls == calls


@pytest.mark.asyncio
async def test_a_body_streamed_without_a_length_is_held_to_the_same_limit(stack: Stack) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(MAX_BODY_BYTES // 1024 + 2):
            yield b" " * 1024

    response = await stack.client.post("/v1/quotes", content=chunks(), headers=bearer())
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "INVALID_ARGUMENT"


@pytest.mark.asyncio
@pytest.mark.parametrize("depth", [MAX_BODY_DEPTH + 1, 1_000, 5_000])
async def test_a_body_nested_too_deep_is_refused_never_a_500(stack: Stack, depth: int) -> None:
    calls = stack.recorded.calls
    text = json.dumps(quote_input(location={"country": "DE"}))
    deep = text.replace('{"country": "DE"}', '{"a": ' * depth + "1" + "}" * depth)
    response = await stack.client.post("/v1/quotes", content=deep, headers=bearer())
    assert response.status_code == 400, response.text
    assert response.json()["error"]["violations"] == [
        {"field": "body", "description": f"must nest arrays and objects at most {MAX_BODY_DEPTH} deep"}
    ]
    envelope = json.dumps({"query": "{ notificationPreferences { email } }", "variables": {"x": _nested(0)}})
    graphql_body = envelope.replace('{"country": "DE"}', "[" * depth + "]" * depth)
    response = await stack.client.post("/graphql", content=graphql_body, headers=bearer())
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"]["violations"][0]["field"] == "body"
    assert stack.recorded.calls == calls


@pytest.mark.asyncio
@pytest.mark.parametrize("depth", [3, 20])
async def test_a_location_nested_within_the_body_limit_is_refused_as_a_location(stack: Stack, depth: int) -> None:
    response = await stack.client.post("/v1/quotes", json=quote_input(location=_nested(depth)), headers=bearer())
    assert response.status_code == 400, response.text
    assert {v["field"] for v in response.json()["error"]["violations"]} >= {"location"}


@pytest_asyncio.fixture
async def hurried(fake_services: tuple[dict[str, int], Recorded]) -> AsyncIterator[Stack]:
    """A gateway whose requests have a short deadline, shorter than its calls' own."""
    ports, recorded = fake_services
    settings = settings_for(
        ports, GATEWAY_REQUEST_TIMEOUT_SECONDS=SHORT_DEADLINE_SECONDS, CALLSHEET_RPC_TIMEOUT_SECONDS=30.0
    )
    async with running_gateway(settings, recorded) as stack:
        yield stack


@pytest.mark.asyncio
async def test_past_the_deadline_the_client_gets_unavailable_and_others_are_still_served(hurried: Stack) -> None:
    async def timed(request: Any) -> tuple[float, Any]:
        started = time.monotonic()
        response = await request
        return time.monotonic() - started, response

    (graphql_took, graphql), (rest_took, rest), (other_took, other) = await asyncio.gather(
        timed(
            hurried.client.post(
                "/graphql", json={"query": f'{{ order(id: "{SLOW_ORDER_ID}") {{ id }} }}'}, headers=bearer()
            )
        ),
        timed(hurried.client.get(f"/v1/orders/{SLOW_ORDER_ID}", headers=bearer())),
        timed(hurried.client.get(f"/v1/orders/{ORDER_ID}", headers=bearer(STRANGER))),
    )
    assert graphql.status_code == 200
    [error] = graphql.json()["errors"]
    assert error["extensions"] == {"code": "UNAVAILABLE", "reason": "DEADLINE_EXCEEDED"}
    assert "longer than 1s" in error["message"]
    assert rest.status_code == 503
    assert rest.json()["error"]["code"] == "UNAVAILABLE"
    assert graphql_took < PROMPTLY_SECONDS and rest_took < PROMPTLY_SECONDS
    # The stranger's request ran beside them and was answered on its own merits.
    assert other.status_code == 404
    assert other_took < PROMPTLY_SECONDS

    after = await hurried.client.get("/healthz")
    assert after.status_code == 200


@pytest.mark.asyncio
async def test_every_call_to_a_service_carries_a_deadline(stack: Stack) -> None:
    before = {method: len(calls) for method, calls in stack.recorded.deadlines.items()}
    await stack.graphql(
        f'{{ order(id: "{ORDER_ID}") {{ id timeline(after: "c1") {{ edges {{ cursor }} }} payment {{ status }} }} }}'
    )
    await stack.client.get("/readyz")
    deadlines = [left for method, calls in stack.recorded.deadlines.items() for left in calls[before.get(method, 0) :]]
    assert len(deadlines) >= 3
    # The gateway under test gives each call 2 s (health probes at most that); the clocks of the
    # two ends differ by a hair.
    assert all(left is not None and 0 < left <= 2.5 for left in deadlines), deadlines
