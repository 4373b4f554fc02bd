"""Every contract operation is registered once, and registering one binds both faces."""

from __future__ import annotations

import pytest
from gateway_stack import Stack
from graphql import GraphQLObjectType

from gateway.gql.schema import build_schema
from gateway.operation import Operation, graphql_bindables
from gateway.operations import OPERATIONS


def test_every_query_and_mutation_field_has_a_resolver() -> None:
    schema = build_schema()
    unbound = [
        f"{root.name}.{name}"
        for root in (schema.query_type, schema.mutation_type)
        if isinstance(root, GraphQLObjectType)
        for name, field in root.fields.items()
        if field.resolve is None
    ]
    assert unbound == []


def test_every_order_field_served_by_another_call_has_a_resolver() -> None:
    order = build_schema().type_map["Order"]
    assert isinstance(order, GraphQLObjectType)
    for name in ("timeline", "payment", "cards", "openActions", "deliverables"):
        assert order.fields[name].resolve is not None, name


def test_an_operation_cannot_be_registered_twice() -> None:
    twice = [OPERATIONS[0], Operation(OPERATIONS[0].field, OPERATIONS[0].resolve)]
    with pytest.raises(ValueError, match="bound twice"):
        graphql_bindables(twice)


@pytest.mark.asyncio
async def test_every_rest_twin_is_behind_the_token(stack: Stack) -> None:
    document = (await stack.client.get("/openapi.json")).json()
    routes = [
        (method, path.replace("{order_id}", "ord_1"))
        for path, item in document["paths"].items()
        if path.startswith("/v1/")
        for method in item
    ]
    assert len(routes) == sum(len(operation.rest.routes) for operation in OPERATIONS if operation.rest)
    calls_before = sum(len(calls) for calls in stack.recorded.metadata.values())
    for method, path in routes:
        response = await stack.client.request(method, path, json={}, headers={"authorization": "Bearer nope"})
        assert (method, path, response.status_code) == (method, path, 401)
    assert sum(len(calls) for calls in stack.recorded.metadata.values()) == calls_before
