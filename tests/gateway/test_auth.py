"""The bearer token decides who calls; without a valid one nothing runs.

Regressions of issue 6, finding 2: a validly signed token whose ``sub`` or a role held a
non-ASCII or control character hung the request (it went on towards gRPC metadata), and a token
without ``exp`` never expired.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from gateway_stack import KEYS, SECRET, Stack, token
from pydantic import ValidationError

from callsheet_kit.errors import DomainError, ErrorCode
from callsheet_kit.identity import Caller
from devstack.tokens import DEFAULT_SECRET, mint
from gateway.auth import MAX_ROLES, TokenVerifier
from gateway.settings import GatewaySettings

# Far below the request deadline, far above what answering takes.
PROMPTLY_SECONDS = 5.0


def test_a_valid_token_names_the_caller_and_roles(sign: Callable[..., str]) -> None:
    caller = TokenVerifier(SECRET).caller(f"Bearer {sign('u_admin', ['admin'])}")
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
        TokenVerifier(SECRET).caller(header)
    assert raised.value.code is ErrorCode.UNAUTHENTICATED


class FromNow(int):
    """A time claim, in seconds from the moment its token is made (tests may run long after collection)."""


def timed_token(**claims: Any) -> str:
    """A token whose ``FromNow`` claims are resolved against the clock now."""
    now = int(time.time())
    return token(**{name: now + value if isinstance(value, FromNow) else value for name, value in claims.items()})


REFUSED_CLAIMS: dict[str, dict[str, Any]] = {
    "sub-non-ascii": {"sub": "u_bü"},
    "sub-control": {"sub": "u_buyer_1\x01"},
    "sub-newline": {"sub": "u_buyer_1\nX-Injected: 1"},
    "sub-space": {"sub": "u buyer"},
    "sub-too-long": {"sub": "u" * 65},
    "role-non-ascii": {"roles": ["admín"]},
    "role-control": {"roles": ["admin\x00"]},
    "role-too-long": {"roles": ["r" * 33]},
    "too-many-roles": {"roles": [f"r{i}" for i in range(MAX_ROLES + 1)]},
    "no-exp": {"exp": None},
    "expired": {"exp": FromNow(-120)},
    "issued-in-the-future": {"iat": FromNow(600)},
    "not-yet-valid": {"nbf": FromNow(600)},
}


@pytest.mark.parametrize("claims", REFUSED_CLAIMS.values(), ids=REFUSED_CLAIMS.keys())
def test_claims_that_cannot_travel_safely_or_never_expire_are_unauthenticated(claims: dict[str, Any]) -> None:
    with pytest.raises(DomainError) as raised:
        TokenVerifier(SECRET, leeway=30).caller(f"Bearer {timed_token(**claims)}")
    assert raised.value.code is ErrorCode.UNAUTHENTICATED


def test_clock_skew_within_the_leeway_is_tolerated() -> None:
    skewed = timed_token(iat=FromNow(10), nbf=FromNow(10), exp=FromNow(-10))
    assert TokenVerifier(SECRET, leeway=30).caller(f"Bearer {skewed}").user_id == "u_buyer_1"
    with pytest.raises(DomainError):
        TokenVerifier(SECRET, leeway=0).caller(f"Bearer {skewed}")


@pytest.mark.asyncio
@pytest.mark.parametrize("claims", REFUSED_CLAIMS.values(), ids=REFUSED_CLAIMS.keys())
async def test_such_tokens_are_answered_promptly_and_reach_no_service(stack: Stack, claims: dict[str, Any]) -> None:
    calls = stack.recorded.calls
    headers = {"authorization": f"Bearer {timed_token(**claims)}"}
    started = time.monotonic()
    body = await stack.graphql('{ order(id: "ord_1") { id } }', headers=headers)
    response = await stack.client.get("/v1/orders/ord_1", headers=headers)
    assert time.monotonic() - started < PROMPTLY_SECONDS
    assert [error["extensions"]["code"] for error in body["errors"]] == ["UNAUTHENTICATED"]
    assert (response.status_code, response.json()["error"]["code"]) == (401, "UNAUTHENTICATED")
    assert stack.recorded.calls == calls


@pytest.mark.parametrize("env", ["production", "dev", "test"])
def test_a_short_secret_is_refused_at_start_up_outside_dev_and_test(env: str) -> None:
    values = {
        "CALLSHEET_ENV": env,
        "CALLSHEET_SERVICE_KEY": KEYS.private_keys["gateway"],
        "CALLSHEET_JWT_SECRET": "dev-secret-change-me",
    }
    if env == "production":
        with pytest.raises(ValidationError, match="at least 32 bytes"):
            GatewaySettings(**values)
        with pytest.raises(ValidationError, match="CALLSHEET_FILES_SECRET"):
            GatewaySettings(**{**values, "CALLSHEET_JWT_SECRET": "s" * 32})
        production = {**values, "CALLSHEET_JWT_SECRET": "s" * 32, "CALLSHEET_FILES_SECRET": "f" * 32}
        assert GatewaySettings(**production).jwt_secret == "s" * 32
    else:
        assert GatewaySettings(**values).jwt_secret == "dev-secret-change-me"


def test_dev_tokens_are_minted_with_the_contracts_short_secret_without_a_warning() -> None:
    # Regression (issue 6, finding 8): make up printed PyJWT's InsecureKeyLengthWarning among the tokens.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dev_token = mint("u_admin", ["admin"], secret=DEFAULT_SECRET)
    assert TokenVerifier(DEFAULT_SECRET).caller(f"Bearer {dev_token}").roles == {"admin"}


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


def test_a_remembered_token_stops_working_when_it_expires() -> None:
    now = [time.time()]
    verifier = TokenVerifier(SECRET, leeway=30, clock=lambda: now[0])
    header = "Bearer " + jwt.encode({"sub": "u_buyer_1", "exp": int(now[0]) + 60}, SECRET, algorithm="HS256")
    assert verifier.caller(header).user_id == "u_buyer_1"
    now[0] += 60 + 29  # within the leeway: still the remembered caller
    assert verifier.caller(header).user_id == "u_buyer_1"
    now[0] += 2
    with pytest.raises(DomainError) as refused:
        verifier.caller(header)
    assert refused.value.code is ErrorCode.UNAUTHENTICATED and "expired" in refused.value.message
