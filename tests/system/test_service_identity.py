"""Running services believe only callers that prove who they are; claimed metadata moves no money."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import grpc
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from system_client import CHECKOUT, ORDER, QUOTE, System, fresh_slot, quote_input

from callsheet.clock.v1 import clock_pb2, clock_pb2_grpc
from callsheet.payments.v1 import payments_pb2, payments_pb2_grpc
from callsheet_kit.errors import DomainError, ErrorCode
from callsheet_kit.identity import CREDENTIAL_REFUSED, Caller, CredentialIssuer, WallClock, reset_caller, set_caller
from callsheet_kit.keys import private_key_from_text
from callsheet_kit.rpc import error_from_rpc, invoke, open_channel

BUYER, STRANGER = "u_buyer_1", "u_buyer_2"
CLAIMED = (("x-callsheet-service", "orders"), ("x-callsheet-user", BUYER), ("x-callsheet-roles", "admin"))


def book(system: System) -> str:
    """An authorized order of the buyer's; returns its id."""
    start, end = fresh_slot()
    quote = system.gql(BUYER, QUOTE, {"i": quote_input(start, end)})["createQuote"]
    checkout = {"quoteId": quote["id"], "paymentMethodId": "pm_card_visa", "idempotencyKey": uuid.uuid4().hex}
    order_id: str = system.gql(BUYER, CHECKOUT, {"i": checkout})["checkout"]["id"]
    return order_id


def payments_addr(system: System) -> str:
    return f"127.0.0.1:{system.stack.ports['payments']}"


@asynccontextmanager
async def raw_channel(system: System) -> AsyncIterator[grpc.aio.Channel]:
    """A channel to payments that sends only the metadata each call is given."""
    async with grpc.aio.insecure_channel(payments_addr(system)) as channel:
        yield channel


def issuer(system: System, service: str, *, clock: WallClock = time.time) -> CredentialIssuer:
    """Signs as ``service`` with its real key from the running stack."""
    return CredentialIssuer(
        service=service, key=private_key_from_text(system.stack.keys.private_keys[service]), clock=clock
    )


async def refusal(call: Any, request: object, metadata: tuple[tuple[str, str], ...]) -> DomainError:
    """The error a call that must be refused ended with."""
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await call(request, metadata=metadata, timeout=10)
    return error_from_rpc(refused.value)


@pytest.mark.asyncio
async def test_claiming_to_be_orders_neither_reads_nor_captures_an_order(system: System) -> None:
    order_id = book(system)
    async with raw_channel(system) as channel:
        payments = payments_pb2_grpc.PaymentsServiceStub(channel)
        read = await refusal(
            payments.GetPaymentSummary, payments_pb2.GetPaymentSummaryRequest(order_id=order_id), CLAIMED
        )
        capture = payments_pb2.CapturePaymentRequest(order_id=order_id, request_id=uuid.uuid4().hex)
        captured = await refusal(payments.CapturePayment, capture, CLAIMED)
    for error in (read, captured):
        assert (error.code, error.reason) == (ErrorCode.UNAUTHENTICATED, CREDENTIAL_REFUSED)
    money = system.gql(BUYER, ORDER, {"id": order_id})["order"]["payment"]
    assert money["authorized"]["amountCents"] > 0
    assert money["captured"]["amountCents"] == 0


@pytest.mark.asyncio
async def test_a_credential_is_refused_unless_a_trusted_key_signed_it_for_payments_and_it_is_current(
    system: System,
) -> None:
    order_id = book(system)
    as_buyer = Caller(user_id=BUYER)
    forged = CredentialIssuer(service="orders", key=Ed25519PrivateKey.generate())
    credentials = {
        "signed by a key payments does not trust": forged.credential(as_buyer, audience="payments"),
        "addressed to another service": issuer(system, "orders").credential(as_buyer, audience="orders"),
        "expired": issuer(system, "orders", clock=lambda: time.time() - 600).credential(as_buyer, audience="payments"),
    }
    async with raw_channel(system) as channel:
        payments = payments_pb2_grpc.PaymentsServiceStub(channel)
        request = payments_pb2.GetPaymentSummaryRequest(order_id=order_id)
        for case, credential in credentials.items():
            error = await refusal(payments.GetPaymentSummary, request, (("authorization", f"Bearer {credential}"),))
            assert (error.code, error.reason) == (ErrorCode.UNAUTHENTICATED, CREDENTIAL_REFUSED), case


@pytest.mark.asyncio
async def test_the_user_in_a_verified_credential_is_the_one_payments_authorizes(system: System) -> None:
    order_id = book(system)
    channel = open_channel(payments_addr(system), issuer=issuer(system, "gateway"), audience="payments")
    summary = payments_pb2_grpc.PaymentsServiceStub(channel).GetPaymentSummary
    request = payments_pb2.GetPaymentSummaryRequest(order_id=order_id)
    try:
        token = set_caller(Caller(user_id=BUYER))
        try:
            response = await invoke(summary, request, timeout=10)
        finally:
            reset_caller(token)
        token = set_caller(Caller(user_id=STRANGER))
        try:
            with pytest.raises(DomainError) as hidden:
                await invoke(summary, request, timeout=10)
        finally:
            reset_caller(token)
    finally:
        await channel.close(None)
    assert response.payment.order_id == order_id
    assert hidden.value.code is ErrorCode.NOT_FOUND


@pytest.mark.asyncio
async def test_health_and_reflection_answer_without_a_credential_and_the_dev_clock_does_not(system: System) -> None:
    async with raw_channel(system) as channel:
        health = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10)
        reflection = reflection_pb2_grpc.ServerReflectionStub(channel).ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=10
        )
        listed = [service.name async for answer in reflection for service in answer.list_services_response.service]
        clock = await refusal(clock_pb2_grpc.ClockServiceStub(channel).GetClock, clock_pb2.GetClockRequest(), ())
    assert health.status == health_pb2.HealthCheckResponse.SERVING
    assert "callsheet.payments.v1.PaymentsService" in listed
    assert clock.code is ErrorCode.UNAUTHENTICATED
