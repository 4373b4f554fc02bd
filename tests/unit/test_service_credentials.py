"""Service credentials: a callee believes only what a credential signed for it by a trusted caller says."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import grpc
import jwt
import pytest
import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from callsheet.clock.v1 import clock_pb2, clock_pb2_grpc
from callsheet_kit.errors import DomainError, ErrorCode
from callsheet_kit.identity import (
    CREDENTIAL_LIFETIME_SECONDS,
    CREDENTIAL_REFUSED,
    Caller,
    CredentialIssuer,
    CredentialVerifier,
    current_caller,
    reset_caller,
    set_caller,
)
from callsheet_kit.keys import generate_key_set, main, private_key_from_text, public_key_from_text
from callsheet_kit.rpc import ServerCallerInterceptor, error_from_rpc, invoke, open_channel
from callsheet_kit.settings import ServiceSettings, load

ORDERS_KEY = Ed25519PrivateKey.generate()
KEYRING = {"orders": ORDERS_KEY.public_key()}
BUYER = Caller(user_id="u_buyer_1", roles=frozenset({"support_agent", "admin"}))


class RecordingClock(clock_pb2_grpc.ClockServiceServicer):  # type: ignore[misc]
    """A business RPC that notes who called it."""

    def __init__(self) -> None:
        self.callers: list[Caller] = []

    async def GetClock(self, request: clock_pb2.GetClockRequest, context: Any) -> clock_pb2.GetClockResponse:
        self.callers.append(current_caller())
        return clock_pb2.GetClockResponse(offset_seconds=0)


class Payments:
    """A server that knows itself as payments and trusts only the orders service's key."""

    def __init__(self, server: grpc.aio.Server, port: int, clock: RecordingClock) -> None:
        self.server = server
        self.addr = f"127.0.0.1:{port}"
        self.clock = clock


@pytest_asyncio.fixture(scope="module")
async def payments() -> AsyncIterator[Payments]:
    server = grpc.aio.server(interceptors=[ServerCallerInterceptor(audience="payments", keyring=KEYRING)])
    clock = RecordingClock()
    clock_pb2_grpc.add_ClockServiceServicer_to_server(clock, server)
    health_pb2_grpc.add_HealthServicer_to_server(health.aio.HealthServicer(), server)  # type: ignore[attr-defined]
    streaming = grpc.method_handlers_generic_handler(
        "test.Streams", {"Watch": grpc.unary_stream_rpc_method_handler(_never_called)}
    )
    server.add_generic_rpc_handlers((streaming,))
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    yield Payments(server, port, clock)
    await server.stop(0)


async def _never_called(request: bytes, context: Any) -> AsyncIterator[bytes]:
    raise AssertionError("a stream without its caller must not run")
    yield b""  # pragma: no cover


def _credential(
    *,
    key: Ed25519PrivateKey = ORDERS_KEY,
    kid: str = "orders",
    audience: str = "payments",
    issued_at: float | None = None,
    lifetime: int = CREDENTIAL_LIFETIME_SECONDS,
    **claims: Any,
) -> str:
    now = int(time.time() if issued_at is None else issued_at)
    body = {"iss": kid, "aud": audience, "iat": now, "exp": now + lifetime, "sub": "u_buyer_1", **claims}
    return jwt.encode(body, key, algorithm="EdDSA", headers={"kid": kid})


async def _get_clock(payments: Payments, metadata: tuple[tuple[str, str], ...]) -> DomainError:
    async with grpc.aio.insecure_channel(payments.addr) as channel:
        stub = clock_pb2_grpc.ClockServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await stub.GetClock(clock_pb2.GetClockRequest(), metadata=metadata, timeout=5)
    return error_from_rpc(refused.value)


@pytest.mark.asyncio
async def test_a_valid_credential_carries_the_calling_service_the_user_and_the_roles(payments: Payments) -> None:
    channel = open_channel(
        payments.addr, issuer=CredentialIssuer(service="orders", key=ORDERS_KEY), audience="payments"
    )
    token = set_caller(BUYER)
    try:
        await invoke(clock_pb2_grpc.ClockServiceStub(channel).GetClock, clock_pb2.GetClockRequest(), timeout=5)
    finally:
        reset_caller(token)
        await channel.close(None)
    assert payments.clock.callers[-1] == Caller(user_id="u_buyer_1", roles=BUYER.roles, service="orders")


@pytest.mark.asyncio
async def test_claiming_to_be_orders_in_metadata_is_unauthenticated(payments: Payments) -> None:
    claimed = (("x-callsheet-service", "orders"), ("x-callsheet-user", "u_buyer_1"), ("x-callsheet-roles", "admin"))
    calls_before = len(payments.clock.callers)
    error = await _get_clock(payments, claimed)
    assert (error.code, error.reason) == (ErrorCode.UNAUTHENTICATED, CREDENTIAL_REFUSED)
    assert len(payments.clock.callers) == calls_before


REFUSED_CREDENTIALS: dict[str, tuple[Callable[[], str], str]] = {
    "signed by an unknown key": (
        lambda: _credential(key=Ed25519PrivateKey.generate()),
        "Signature verification failed",
    ),
    "from an unknown issuer": (lambda: _credential(kid="intruder"), "not trusted"),
    "for another audience": (lambda: _credential(audience="notify"), "another service"),
    "expired": (lambda: _credential(issued_at=time.time() - 10 * 60), "expired"),
    "from the future": (lambda: _credential(issued_at=time.time() + 10 * 60), "not valid yet"),
    "too long-lived": (lambda: _credential(lifetime=24 * 3600), "lives too long"),
    "with malformed roles": (lambda: _credential(roles="admin"), "roles must be a list"),
    "unsigned": (lambda: jwt.encode({"iss": "orders"}, "", algorithm="none", headers={"kid": "orders"}), "alg"),
    "not a JWT": (lambda: "not-a-jwt", "malformed"),
}


@pytest.mark.parametrize("case", list(REFUSED_CREDENTIALS))
@pytest.mark.asyncio
async def test_a_credential_that_proves_nothing_is_unauthenticated(payments: Payments, case: str) -> None:
    make, says = REFUSED_CREDENTIALS[case]
    calls_before = len(payments.clock.callers)
    error = await _get_clock(payments, (("authorization", f"Bearer {make()}"),))
    assert (error.code, error.reason) == (ErrorCode.UNAUTHENTICATED, CREDENTIAL_REFUSED)
    assert says in error.message
    assert len(payments.clock.callers) == calls_before


@pytest.mark.asyncio
async def test_health_checks_answer_without_a_credential(payments: Payments) -> None:
    async with grpc.aio.insecure_channel(payments.addr) as channel:
        response = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
    assert response.status == health_pb2.HealthCheckResponse.SERVING


@pytest.mark.asyncio
async def test_a_stream_is_refused_even_with_a_credential_since_it_could_not_carry_the_caller(
    payments: Payments,
) -> None:
    async with grpc.aio.insecure_channel(payments.addr) as channel:
        watch = channel.unary_stream("/test.Streams/Watch", None, None)
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            async for _ in watch(b"", metadata=(("authorization", f"Bearer {_credential()}"),), timeout=5):
                pass
    assert refused.value.code() == grpc.StatusCode.INTERNAL


def test_a_remembered_credential_stops_working_when_it_expires() -> None:
    now = [time.time()]
    verifier = CredentialVerifier(audience="payments", keyring=KEYRING, clock=lambda: now[0])
    credential = _credential(issued_at=now[0])
    assert verifier.caller(credential).user_id == "u_buyer_1"
    now[0] += CREDENTIAL_LIFETIME_SECONDS + 10
    with pytest.raises(DomainError, match="expired"):
        verifier.caller(credential)


def test_a_credential_is_reused_for_the_same_user_and_renewed_before_it_runs_out() -> None:
    now = [time.time()]
    issuer = CredentialIssuer(service="orders", key=ORDERS_KEY, clock=lambda: now[0])
    first = issuer.credential(BUYER, audience="payments")
    assert issuer.credential(BUYER, audience="payments") == first
    assert issuer.credential(Caller(user_id="u_buyer_2"), audience="payments") != first
    assert issuer.credential(BUYER, audience="notify") != first
    now[0] += CREDENTIAL_LIFETIME_SECONDS / 2 + 1
    renewed = issuer.credential(BUYER, audience="payments")
    assert renewed != first
    verifier = CredentialVerifier(audience="payments", keyring=KEYRING, clock=lambda: now[0])
    assert verifier.caller(renewed) == Caller(user_id="u_buyer_1", roles=BUYER.roles, service="orders")


def test_a_service_without_its_keys_does_not_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLSHEET_DATABASE_URL", "postgresql://callsheet@127.0.0.1/callsheet")
    monkeypatch.delenv("CALLSHEET_SERVICE_KEY", raising=False)
    monkeypatch.setenv("CALLSHEET_SERVICE_KEYS", '{"orders": "c2hvcnQ="}')
    with pytest.raises(SystemExit) as stopped:
        load(ServiceSettings)
    message = str(stopped.value)
    assert "CALLSHEET_SERVICE_KEY: Field required" in message
    assert "CALLSHEET_SERVICE_KEYS.orders" in message and "raw 32-byte Ed25519 key" in message

    monkeypatch.setenv("CALLSHEET_SERVICE_KEYS", "{not json")
    with pytest.raises(SystemExit, match=r"CALLSHEET_SERVICE_KEYS: .*JSON object"):
        load(ServiceSettings)


def test_a_generated_key_set_configures_a_service(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    main(["orders", "payments", "gateway"])
    lines = [line for line in capsys.readouterr().out.splitlines() if not line.startswith("#")]
    private = [line.partition("=")[2] for line in lines if line.startswith("CALLSHEET_SERVICE_KEY=")]
    [keyring] = [line.partition("=")[2] for line in lines if line.startswith("CALLSHEET_SERVICE_KEYS=")]
    assert len(private) == 3
    monkeypatch.setenv("CALLSHEET_DATABASE_URL", "postgresql://callsheet@127.0.0.1/callsheet")
    monkeypatch.setenv("CALLSHEET_SERVICE_KEY", private[1])
    monkeypatch.setenv("CALLSHEET_SERVICE_KEYS", keyring)
    settings = load(ServiceSettings)
    assert sorted(settings.trusted_service_keys) == ["gateway", "orders", "payments"]
    payments_public = settings.service_key.public_key().public_bytes_raw()
    assert settings.trusted_service_keys["payments"].public_bytes_raw() == payments_public


def test_generated_keys_round_trip_through_their_text() -> None:
    key_set = generate_key_set(["orders"])
    private = private_key_from_text(key_set.private_keys["orders"])
    public = public_key_from_text(key_set.public_keys["orders"])
    assert public.public_bytes_raw() == private.public_key().public_bytes_raw()
    public.verify(private.sign(b"order"), b"order")  # raises InvalidSignature on a mismatch
