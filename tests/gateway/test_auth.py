"""The bearer token decides who calls; without a valid one nothing runs."""

from __future__ import annotations

import time
from collections.abc import Callable

import jwt
import pytest
from gateway_stack import SECRET, Stack

from callsheet_kit.errors import DomainError, ErrorCode
from callsheet_kit.identity import Caller
from gateway.auth import caller_from_authorization


def test_a_valid_token_names_the_caller_and_roles(sign: Callable[..., str]) -> None:
    caller = caller_from_authorization(f"Bearer {sign('u_admin', ['admin'])}", secret=SECRET)
    assert caller == Caller(user_id="u_admin", roles=frozenset({"admin"}))


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Bearer not-a-jwt",
        "Bearer " + jwt.encode({"sub": "u_buyer_1"}, "some-other-secret-long-enough-for-hs256", algorithm="HS256"),
        "Bearer " + jwt.encode({"roles": []}, SECRET, algorithm="HS256"),
        "Bearer " + jwt.encode({"sub": "u_buyer_1", "exp": int(time.time()) - 60}, SECRET, algorithm="HS256"),
        "Bearer " + jwt.encode({"sub": "u_buyer_1", "roles": "admin"}, SECRET, algorithm="HS256"),
    ],
    ids=[
        "absent",
        "empty",
        "no-token",
        "wrong-scheme",
        "garbage",
        "wrong-secret",
        "no-sub",
        "expired",
        "roles-not-list",
    ],
)
def test_a_missing_or_invalid_token_is_unauthenticated(header: str | None) -> None:
    with pytest.raises(DomainError) as raised:
        caller_from_authorization(header, secret=SECRET)
    assert raised.value.code is ErrorCode.UNAUTHENTICATED


@pytest.mark.asyncio
async def test_graphql_without_a_token_is_unauthenticated_for_every_operation(stack: Stack) -> None:
    calls_before = sum(len(calls) for calls in stack.recorded.metadata.values())
    for query in ('{ order(id: "ord_1") { id } }', "{ notificationPreferences { email } }", '{ card(id: "x") { id } }'):
        body = await stack.graphql(query, headers={})
        assert body["data"] is None
        assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]
    assert sum(len(calls) for calls in stack.recorded.metadata.values()) == calls_before


@pytest.mark.asyncio
async def test_rest_with_a_bad_token_answers_401_with_the_envelope(stack: Stack) -> None:
    response = await stack.client.get("/v1/orders/ord_1", headers={"authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNAUTHENTICATED"
