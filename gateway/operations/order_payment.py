"""Order.payment (REST ``GET /v1/orders/{id}/payment``): the money of an order, or null while it has none.

Payments answers NOT_FOUND both while an order has no payment and to a caller who may not see
it. GraphQL resolves this field only on an order the caller could already see, so NOT_FOUND
there means "no payment yet". REST asks orders first, which decides who may see an order: a
stranger or an unknown order gets 404 as on every other route of an order, and payments'
NOT_FOUND is then read the same way, as null.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from callsheet.orders.v1 import orders_pb2
from callsheet.payments.v1 import payments_pb2
from callsheet_kit.errors import DomainError, ErrorCode
from gateway.backends import Backends
from gateway.operation import BackendsDep, Operation, OrderId
from gateway.shapes import ApiModel, ApiObject, Money, UtcDateTime, money, timestamp

PAYMENT_STATUS_PREFIX = "PAYMENT_STATUS_"


class Receipt(ApiModel):
    """A receipt for money taken or returned."""

    id: str
    kind: str
    total: Money
    download_url: str
    created_at: UtcDateTime


class ExtraCharge(ApiModel):
    """Extras or an expense beyond the booking."""

    id: str
    kind: str
    status: str
    subtotal: Money
    platform_fee: Money
    tax: Money
    total: Money
    decline_code: str | None
    created_at: UtcDateTime


class Payout(ApiModel):
    """The provider's payout of the order."""

    id: str
    status: str
    amount: Money
    due_at: UtcDateTime
    transfer_id: str | None
    reversed: Money


class Chargeback(ApiModel):
    """A chargeback of the payment."""

    id: str
    status: str
    reason: str
    amount: Money
    due_by: UtcDateTime | None
    evidence_submitted: bool
    created_at: UtcDateTime


class PaymentSummary(ApiModel):
    """The money of an order."""

    status: str
    authorized: Money
    voided: Money
    captured: Money
    refunded: Money
    pending_extras: Money
    receipts: list[Receipt]
    charged_extras: Money
    charged_back: Money
    paid_out: Money
    reserve_frozen: bool
    charges: list[ExtraCharge]
    payout: Payout | None
    chargebacks: list[Chargeback]


def payment_summary(message: payments_pb2.GetPaymentSummaryResponse) -> ApiObject:
    """A PaymentSummary; a voided authorization shows as its status and as the amount released."""
    payment = message.payment
    currency = payment.authorized.currency
    voided = payment.status == payments_pb2.PAYMENT_STATUS_VOIDED
    return {
        "status": payments_pb2.PaymentStatus.Name(payment.status).removeprefix(PAYMENT_STATUS_PREFIX),
        "authorized": money(payment.authorized, currency=currency),
        "voided": {"amountCents": payment.authorized.amount_cents if voided else 0, "currency": currency},
        "captured": money(payment.captured, currency=currency),
        "refunded": money(payment.refunded, currency=currency),
        "pendingExtras": money(message.pending_extras, currency=currency),
        "receipts": [receipt(item, currency=currency) for item in message.receipts],
        "chargedExtras": money(payment.charged_extras, currency=currency),
        "chargedBack": money(payment.charged_back, currency=currency),
        "paidOut": money(payment.paid_out, currency=currency),
        "reserveFrozen": payment.reserve_frozen,
        "charges": [extra_charge(item, currency=currency) for item in message.charges],
        "payout": payout(message.payout, currency=currency) if message.HasField("payout") else None,
        "chargebacks": [chargeback(item, currency=currency) for item in message.disputes],
    }


def _status(enum: Any, value: int, prefix: str) -> str:
    return str(enum.Name(value)).removeprefix(prefix)


def extra_charge(message: payments_pb2.Charge, *, currency: str) -> ApiObject:
    """An ExtraCharge."""
    return {
        "id": message.id,
        "kind": message.kind,
        "status": _status(payments_pb2.ChargeStatus, message.status, "CHARGE_STATUS_"),
        "subtotal": money(message.subtotal, currency=currency),
        "platformFee": money(message.platform_fee, currency=currency),
        "tax": money(message.tax, currency=currency),
        "total": money(message.total, currency=currency),
        "declineCode": message.decline_code or None,
        "createdAt": timestamp(message.created_at),
    }


def payout(message: payments_pb2.Payout, *, currency: str) -> ApiObject:
    """A Payout."""
    return {
        "id": message.id,
        "status": _status(payments_pb2.PayoutStatus, message.status, "PAYOUT_STATUS_"),
        "amount": money(message.amount, currency=currency),
        "dueAt": timestamp(message.due_at),
        "transferId": message.transfer_id or None,
        "reversed": money(message.reversed, currency=currency),
    }


def chargeback(message: payments_pb2.Dispute, *, currency: str) -> ApiObject:
    """A Chargeback."""
    return {
        "id": message.id,
        "status": _status(payments_pb2.DisputeStatus, message.status, "DISPUTE_STATUS_"),
        "reason": message.reason,
        "amount": money(message.amount, currency=currency),
        "dueBy": timestamp(message.due_by) if message.HasField("due_by") else None,
        "evidenceSubmitted": message.evidence_submitted,
        "createdAt": timestamp(message.created_at),
    }


def receipt(message: payments_pb2.Receipt, *, currency: str) -> ApiObject:
    """A Receipt."""
    return {
        "id": message.id,
        "kind": message.kind,
        "total": money(message.total, currency=currency),
        # A signed link that works for a while; empty for the moment before the PDF is stored.
        "downloadUrl": message.download_url,
        "createdAt": timestamp(message.created_at),
    }


async def resolve_payment(backends: Backends, order_id: str) -> ApiObject | None:
    """The money of an order the caller can see, or None while it has no payment."""
    request = payments_pb2.GetPaymentSummaryRequest(order_id=order_id)
    try:
        response: payments_pb2.GetPaymentSummaryResponse = await backends.call(
            backends.payments.GetPaymentSummary, request
        )
    except DomainError as error:
        if error.code is ErrorCode.NOT_FOUND:
            return None
        raise
    return payment_summary(response)


router = APIRouter(tags=["orders"])


@router.get("/orders/{order_id}/payment", response_model=PaymentSummary | None)
async def get_payment(backends: BackendsDep, order_id: OrderId) -> ApiObject | None:
    """The order's money, or null while it has no payment (GraphQL `Order.payment`)."""
    # NOT_FOUND unless the caller may see the order.
    await backends.call(backends.orders.GetOrder, orders_pb2.GetOrderRequest(order_id=order_id))
    return await resolve_payment(backends, order_id)


OPERATION = Operation("Order.payment", resolve_payment, router)
