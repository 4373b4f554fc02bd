"""Fuzzing the public API on the running system: every REST operation of /openapi.json and every
GraphQL field, with inputs schemathesis and hypothesis generate from the schemas.

What must hold for any input: no 5xx, an answer well within the gateway's deadline, and every
refusal in the contract's error shape (REST: ``{"error": {"code", "message", …}}``; GraphQL: each
error with ``extensions.code``). Runs are deterministic (derandomized) and bounded, so the suite
stays fast and a failure reproduces.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import schemathesis
from graphql import (
    BooleanValueNode,
    FloatValueNode,
    IntValueNode,
    ListValueNode,
    NameNode,
    NullValueNode,
    ObjectFieldNode,
    ObjectValueNode,
    StringValueNode,
    ValueNode,
    get_introspection_query,
    graphql_sync,
)
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import Case
from system_client import System

from callsheet_kit.keys import generate_key_set
from devstack.tokens import mint
from gateway.app import create_app
from gateway.gql.schema import build_schema
from gateway.settings import GatewaySettings

CODES = {
    "UNAUTHENTICATED",
    "NOT_FOUND",
    "PERMISSION_DENIED",
    "INVALID_ARGUMENT",
    "FAILED_PRECONDITION",
    "CONFLICT",
    "IDEMPOTENCY_MISMATCH",
    "UNAVAILABLE",
}
# Comfortably above the gateway's own per-request deadline: an answer must come before it.
ANSWER_WITHIN_SECONDS = 15.0
FUZZ = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _node(value: Any) -> ValueNode:
    """A JSON value as the GraphQL literal that spells it."""
    if value is None:
        return NullValueNode()
    if isinstance(value, bool):
        return BooleanValueNode(value=value)
    if isinstance(value, int):
        return IntValueNode(value=str(value))
    if isinstance(value, float):
        return FloatValueNode(value=repr(value))
    if isinstance(value, str):
        return StringValueNode(value=value)
    if isinstance(value, list):
        return ListValueNode(values=tuple(_node(item) for item in value))
    return ObjectValueNode(
        fields=tuple(ObjectFieldNode(name=NameNode(value=key), value=_node(item)) for key, item in value.items())
    )


# JSON documents clients may send: arbitrary small ones, and locations near and far from valid.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
locations = st.fixed_dictionaries(
    {"country": st.sampled_from(["US", "DE", "GB", "ZZ", "", "us"])},
    optional={"region": st.sampled_from(["NY", "CA", "XX", "US-NY"]), "city": st.text(max_size=40)},
)
moments = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(9999, 1, 1), timezones=st.just(UTC)).map(
    lambda moment: moment.isoformat()
) | st.text(max_size=30)
schemathesis.graphql.scalar("JSON", (json_values | locations).map(_node))
schemathesis.graphql.scalar("DateTime", moments.map(lambda text: StringValueNode(value=text)))


def headers(system: System) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint('u_buyer_1', [], secret=system.stack.jwt_secret)}"}


def _gateway_schemas() -> tuple[dict[str, Any], dict[str, Any]]:
    """The OpenAPI document and the GraphQL introspection the gateway serves, made in-process."""
    key = generate_key_set(["gateway"]).private_keys["gateway"]
    app = create_app(GatewaySettings.model_validate({"CALLSHEET_SERVICE_KEY": key, "CALLSHEET_ENV": "test"}))
    introspection = graphql_sync(build_schema(), get_introspection_query())
    assert introspection.data is not None
    return app.openapi(), introspection.data


_openapi, _introspection = _gateway_schemas()
rest = schemathesis.openapi.from_dict(_openapi).include(path_regex="^/v1/")
graphql = schemathesis.graphql.from_dict(_introspection)


@rest.parametrize()
@FUZZ
def test_no_rest_input_breaks_the_gateway(case: Case, system: System) -> None:
    started = time.monotonic()
    response = case.call(base_url=system.stack.gateway_url, headers=headers(system), timeout=ANSWER_WITHIN_SECONDS)
    assert time.monotonic() - started < ANSWER_WITHIN_SECONDS
    assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:500])
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"}, body
        assert body["error"]["code"] in CODES and body["error"]["message"], body


@graphql.parametrize()
@FUZZ
def test_no_graphql_input_breaks_the_gateway(case: Case, system: System) -> None:
    started = time.monotonic()
    response = case.call(base_url=system.stack.gateway_url, headers=headers(system), timeout=ANSWER_WITHIN_SECONDS)
    assert time.monotonic() - started < ANSWER_WITHIN_SECONDS
    assert response.status_code < 500, (response.status_code, response.text[:500])
    for error in response.json().get("errors") or ():
        assert error.get("extensions", {}).get("code") in CODES, error
