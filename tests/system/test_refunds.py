"""Refunds other services ask for: never more than the capture however many run at once, once per key."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from saga_tools import PROVIDER, checkout, key, quote, wait_for
from system_client import CONFIRM, System, rpc, rpc_all_at_once
from test_ledger import ledger

from callsheet.common.v1.money_pb2 import Money
from callsheet.payments.v1 import payments_pb2, payments_pb2_grpc
from callsheet_kit.errors import DomainError

TOTAL = 35_930


def captured_order(system: System) -> str:
    order = checkout(system, quote(system)["id"], key())
    system.gql(PROVIDER, CONFIRM, {"i": {"orderId": order["id"], "expectedVersion": 1, "idempotencyKey": key()}})
    wait_for(lambda: ledger(system, order["id"]), lambda found: len(found["entries"]) == 2, what="the capture")
    return str(order["id"])


def refund_request(order_id: str, request_id: str, cents: int) -> payments_pb2.RefundPaymentRequest:
    return payments_pb2.RefundPaymentRequest(
        request_id=request_id, order_id=order_id, amount=Money(amount_cents=cents, currency="USD"), reason="goodwill"
    )


def refund_all_at_once(system: System, requests: list[payments_pb2.RefundPaymentRequest]) -> list[Any]:
    """Sends every request at the same time, as support would; each answer or DomainError, in order."""
    stub = payments_pb2_grpc.PaymentsServiceStub
    return rpc_all_at_once(system, "payments", stub, "RefundPayment", list(requests), caller="support")


def test_fifty_concurrent_refunds_with_their_own_keys_never_give_back_more_than_was_captured(system: System) -> None:
    order_id = captured_order(system)
    answers = refund_all_at_once(system, [refund_request(order_id, uuid.uuid4().hex, 1_000) for _ in range(50)])
    made = [a for a in answers if isinstance(a, payments_pb2.RefundPaymentResponse)]
    refused = [a for a in answers if isinstance(a, DomainError)]
    assert len(made) == TOTAL // 1_000 and len(made) + len(refused) == 50
    assert {error.reason for error in refused} == {"REFUND_EXCEEDS_CAPTURE"}
    assert max(answer.payment.refunded.amount_cents for answer in made) == 35_000
    book = ledger(system, order_id)
    assert book["posted"]["platform_cash"] == TOTAL - 35_000
    assert all(total == 0 for total in book["sums"])
    assert all(-book["posted"][account] >= 0 for account in book["posted"] if account != "platform_cash")


def test_one_key_sent_fifty_times_at_once_refunds_once(system: System) -> None:
    order_id = captured_order(system)
    request_id = uuid.uuid4().hex
    answers = refund_all_at_once(system, [refund_request(order_id, request_id, 2_500) for _ in range(50)])
    assert all(isinstance(answer, payments_pb2.RefundPaymentResponse) for answer in answers), answers[:3]
    assert len({answer.refund_id for answer in answers}) == 1
    assert ledger(system, order_id)["posted"]["platform_cash"] == TOTAL - 2_500

    with pytest.raises(DomainError) as reused:
        rpc(
            system,
            "payments",
            payments_pb2_grpc.PaymentsServiceStub,
            "RefundPayment",
            refund_request(order_id, request_id, 2_600),
            caller="support",
        )
    assert reused.value.code.value == "IDEMPOTENCY_MISMATCH"


def test_only_the_services_that_decide_refunds_may_ask_and_an_uncaptured_payment_has_none(system: System) -> None:
    order = checkout(system, quote(system)["id"], key())
    with pytest.raises(DomainError) as gateway:
        rpc(
            system,
            "payments",
            payments_pb2_grpc.PaymentsServiceStub,
            "RefundPayment",
            refund_request(order["id"], key(), 100),
        )
    assert gateway.value.code.value == "PERMISSION_DENIED"
    with pytest.raises(DomainError) as held:
        rpc(
            system,
            "payments",
            payments_pb2_grpc.PaymentsServiceStub,
            "RefundPayment",
            refund_request(order["id"], key(), 100),
            caller="support",
        )
    assert held.value.reason == "PAYMENT_NOT_REFUNDABLE"
