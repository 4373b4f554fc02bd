"""Every failure carries the contract's code; bad input names the field at fault."""

from __future__ import annotations

from typing import Any

import pytest
from gateway_stack import Stack, bearer
from graphql import GraphQLError, parse

from callsheet_kit.errors import FieldViolation, conflict, idempotency_mismatch, invalid_argument, not_found
from gateway.errors import api_field
from gateway.gql.errors import format_error

QUOTE = "mutation($input: CreateQuoteInput!) { createQuote(input: $input) { id } }"
GOOD_INPUT = {
    "providerId": "u_provider_1",
    "roleCode": "photographer",
    "startUtc": "2030-05-01T10:00:00Z",
    "endUtc": "2030-05-01T12:00:00Z",
    "timezone": "UTC",
    "location": {},
}


def _resolver_error(original: Exception, operation: str = "mutation { createQuote(input: {}) { id } }") -> Any:
    field = parse(operation).definitions[0].selection_set.selections[0]  # type: ignore[attr-defined]
    return GraphQLError(str(original), [field], path=["createQuote"], original_error=original)


def test_a_conflict_carries_the_current_version() -> None:
    formatted = format_error(_resolver_error(conflict(12)))
    assert formatted["extensions"] == {"code": "CONFLICT", "reason": "CONFLICT", "currentVersion": 12}
    assert formatted["path"] == ["createQuote"]


def test_domain_codes_and_reasons_pass_through() -> None:
    assert format_error(_resolver_error(not_found("order")))["extensions"] == {
        "code": "NOT_FOUND",
        "reason": "NOT_FOUND",
    }
    assert format_error(_resolver_error(idempotency_mismatch()))["extensions"]["code"] == "IDEMPOTENCY_MISMATCH"


def test_service_field_names_become_input_paths() -> None:
    error = invalid_argument(FieldViolation("end_utc", "must be after start"), FieldViolation("location_json", "bad"))
    violations = format_error(_resolver_error(error))["extensions"]["violations"]
    assert violations == [
        {"field": "input.endUtc", "description": "must be after start"},
        {"field": "input.location", "description": "bad"},
    ]


@pytest.mark.parametrize(
    ("service_field", "prefix", "api"),
    [
        ("end_utc", "input", "input.endUtc"),
        ("slots[1].start_utc", "input", "input.slots[1].startUtc"),
        ("request_id", "input", "input.idempotencyKey"),
        ("input.endUtc", "input", "input.endUtc"),
        ("page_size", "", "first"),
    ],
)
def test_api_field_is_the_one_name_mapping(service_field: str, prefix: str, api: str) -> None:
    assert api_field(service_field, prefix=prefix) == api


def test_an_unexpected_exception_is_internal_and_hides_its_details() -> None:
    formatted = format_error(_resolver_error(RuntimeError("db password is hunter2")))
    assert formatted["extensions"] == {"code": "INTERNAL", "reason": "INTERNAL"}
    assert "hunter2" not in formatted["message"]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("query", "variables", "field"),
    [
        (QUOTE, {"input": {**GOOD_INPUT, "startUtc": "2030-05-01T10:00:00"}}, "input.startUtc"),
        (QUOTE.replace("$input", "$q"), {"q": {**GOOD_INPUT, "endUtc": 5}}, "input.endUtc"),
        (QUOTE, {"input": {key: value for key, value in GOOD_INPUT.items() if key != "timezone"}}, "input.timezone"),
        (QUOTE, {"input": {**GOOD_INPUT, "surprise": 1}}, "input.surprise"),
        (
            'mutation { createQuote(input: {providerId: "p", roleCode: "r", startUtc: "2030-05-01T10:00:00", '
            'endUtc: "2030-05-01T12:00:00Z", timezone: "UTC", location: {}}) { id } }',
            {},
            "input.startUtc",
        ),
        ('mutation { createQuote(input: {providerId: "p"}) { id } }', {}, "input.roleCode"),
        ("query($n: Int) { orders(first: $n) { edges { cursor } } }", {"n": "many"}, "first"),
    ],
    ids=["no-offset", "renamed-variable", "missing-field", "unknown-field", "literal", "literal-missing", "bad-int"],
)
async def test_coercion_errors_are_invalid_argument_naming_the_path(
    stack: Stack, query: str, variables: dict[str, Any], field: str
) -> None:
    body = await stack.graphql(query, variables)
    assert body.get("data") is None
    extensions = body["errors"][0]["extensions"]
    assert extensions["code"] == "INVALID_ARGUMENT"
    assert field in [violation["field"] for violation in extensions["violations"]]


@pytest.mark.asyncio
async def test_a_time_without_offset_is_described_clearly(stack: Stack) -> None:
    body = await stack.graphql(QUOTE, {"input": {**GOOD_INPUT, "startUtc": "2030-05-01T10:00:00"}})
    [violation] = body["errors"][0]["extensions"]["violations"]
    assert "no UTC offset" in violation["description"]


@pytest.mark.asyncio
async def test_rest_errors_use_the_envelope(stack: Stack) -> None:
    response = await stack.client.post("/v1/checkout", json={"quoteId": "qte_1"}, headers={"authorization": "Bearer x"})
    assert response.status_code == 401
    response = await stack.client.post(
        "/v1/orders/ord_1/cancel",
        json={"idempotencyKey": "k"},
        headers=bearer(),
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "INVALID_ARGUMENT"
    assert error["violations"][0]["field"] == "expectedVersion"
    assert set(error) >= {"code", "message", "reason"}
