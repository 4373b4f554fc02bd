"""``callsheet_gateway_request_seconds``: every request counted under its face, its operation and the
contract code its client got, a GraphQL error under its code although its status is 200."""

from __future__ import annotations

import pytest
from gateway_stack import ORDER_ID, Stack, bearer
from prometheus_client import REGISTRY

HISTOGRAM = "callsheet_gateway_request_seconds"


def count(face: str, operation: str, code: str) -> float:
    """How many requests the gateway's histogram holds under these labels so far."""
    labels = {"face": face, "operation": operation, "code": code}
    return REGISTRY.get_sample_value(f"{HISTOGRAM}_count", labels) or 0.0


@pytest.mark.asyncio
async def test_graphql_requests_count_under_their_root_field_and_their_first_errors_code(stack: Stack) -> None:
    read = count("graphql", "order", "OK")
    await stack.graphql(f'{{ order(id: "{ORDER_ID}") {{ id }} }}')
    assert count("graphql", "order", "OK") == read + 1
    bucket = {"face": "graphql", "operation": "order", "code": "OK", "le": "1.5"}
    assert REGISTRY.get_sample_value(f"{HISTOGRAM}_bucket", bucket) is not None

    refused = (
        'mutation { confirmOrder(input: {orderId: "ord_missing", expectedVersion: 1, idempotencyKey: "k"}) { id } }'
    )
    before = {code: count("graphql", "confirmOrder", code) for code in ("NOT_FOUND", "INTERNAL", "UNAVAILABLE")}
    body = await stack.graphql(refused)
    code = body["errors"][0]["extensions"]["code"]
    assert count("graphql", "confirmOrder", code) == before.get(code, 0.0) + 1

    # A field the schema does not have, and a request without a token, name no operation.
    invalid = count("graphql", "unknown", "INVALID_ARGUMENT")
    await stack.graphql("{ noSuchField }")
    assert count("graphql", "unknown", "INVALID_ARGUMENT") == invalid + 1
    anonymous = count("graphql", "unknown", "UNAUTHENTICATED")
    await stack.graphql("{ orders { edges { cursor } } }", headers={})
    assert count("graphql", "unknown", "UNAUTHENTICATED") == anonymous + 1


@pytest.mark.asyncio
async def test_rest_requests_count_under_their_routes_operation(stack: Stack) -> None:
    found, missing = count("rest", "order", "OK"), count("rest", "order", "NOT_FOUND")
    assert (await stack.client.get(f"/v1/orders/{ORDER_ID}", headers=bearer())).status_code == 200
    assert (await stack.client.get("/v1/orders/ord_missing", headers=bearer())).status_code == 404
    assert (count("rest", "order", "OK"), count("rest", "order", "NOT_FOUND")) == (found + 1, missing + 1)

    probes = count("rest", "/healthz", "OK")
    await stack.client.get("/healthz")
    assert count("rest", "/healthz", "OK") == probes + 1
    nowhere = count("rest", "unknown", "NOT_FOUND")
    await stack.client.get("/v1/no-such-route", headers=bearer())
    assert count("rest", "unknown", "NOT_FOUND") == nowhere + 1
