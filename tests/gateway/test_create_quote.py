"""createQuote's idempotencyKey is the request id payments dedupes on; without one, none is made up."""

from __future__ import annotations

from typing import Any

import pytest
from gateway_stack import Stack, bearer, quote_input

QUOTE = "mutation($input: CreateQuoteInput!) { createQuote(input: $input) { id } }"


@pytest.mark.asyncio
async def test_graphql_sends_the_idempotency_key_as_the_request_id_on_every_retry(stack: Stack) -> None:
    for _ in range(2):
        body = await stack.graphql(QUOTE, {"input": quote_input(idempotencyKey="quote-key-1")})
        assert "errors" not in body, body
    assert [sent.request_id for sent in stack.recorded.quote_requests[-2:]] == ["quote-key-1", "quote-key-1"]


@pytest.mark.asyncio
@pytest.mark.parametrize("absent", [{}, {"idempotencyKey": None}], ids=["omitted", "null"])
async def test_graphql_without_a_key_sends_an_empty_request_id(stack: Stack, absent: dict[str, Any]) -> None:
    body = await stack.graphql(QUOTE, {"input": quote_input(**absent)})
    assert "errors" not in body, body
    assert stack.recorded.quote_requests[-1].request_id == ""


@pytest.mark.asyncio
async def test_rest_sends_the_idempotency_key_as_the_request_id_on_every_retry(stack: Stack) -> None:
    for _ in range(2):
        response = await stack.client.post(
            "/v1/quotes", json=quote_input(idempotencyKey="quote-key-2"), headers=bearer()
        )
        assert response.status_code == 200, response.text
    assert [sent.request_id for sent in stack.recorded.quote_requests[-2:]] == ["quote-key-2", "quote-key-2"]


@pytest.mark.asyncio
@pytest.mark.parametrize("absent", [{}, {"idempotencyKey": None}], ids=["omitted", "null"])
async def test_rest_without_a_key_sends_an_empty_request_id(stack: Stack, absent: dict[str, Any]) -> None:
    response = await stack.client.post("/v1/quotes", json=quote_input(**absent), headers=bearer())
    assert response.status_code == 200, response.text
    assert stack.recorded.quote_requests[-1].request_id == ""


@pytest.mark.asyncio
async def test_the_key_is_part_of_the_documented_input_of_both_faces(stack: Stack) -> None:
    document = (await stack.client.get("/openapi.json")).json()
    rest_input = document["components"]["schemas"]["CreateQuoteInput"]
    assert "idempotencyKey" in rest_input["properties"]
    assert "idempotencyKey" not in rest_input["required"]

    body = await stack.graphql('{ __type(name: "CreateQuoteInput") { inputFields { name type { name kind } } } }')
    fields = {field["name"]: field["type"] for field in body["data"]["__type"]["inputFields"]}
    assert fields["idempotencyKey"] == {"name": "String", "kind": "SCALAR"}
