"""Order.payment (REST ``GET /v1/orders/{id}/payment``): the money of an order, or null while it has none.

Payments answers NOT_FOUND both while an order has no payment and to a caller who may not see
it. GraphQL resolves this field only on an order the caller could already see, so NOT_FOUND
there means "no payment yet". REST asks orders first, which decides who may see an order: a
stranger or an unknown order gets 404 as on every other route of an order, and payments'
NOT_FOUND is then read the same way, as null.
"""

from __future__ import annotations

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


class PaymentSummary(ApiModel):
    """The money of an order."""

    status: str
    authorized: Money
    voided: Money
    captured: Money
    refunded: Money
    pending_extras: Money
    receipts: list[Receipt]


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
