"""orderLedger (REST ``GET /v1/admin/orders/{id}/ledger``): an order's ledger, for admins.

Payments decides who may read the ledger: anyone but an admin gets PERMISSION_DENIED.
"""

from __future__ import annotations

from fastapi import APIRouter

from callsheet.payments.v1 import payments_pb2
from gateway.backends import Backends
from gateway.operation import BackendsDep, Operation, OrderId
from gateway.shapes import ApiModel, ApiObject, Money, UtcDateTime, money, timestamp


class LedgerBalance(ApiModel):
    """An account's balance: debits positive, credits negative."""

    account: str
    posted: Money
    pending: Money


class LedgerPosting(ApiModel):
    """A signed amount on one account of an entry."""

    account: str
    amount: Money


class LedgerEntry(ApiModel):
    """One movement of money: postings that sum to zero."""

    id: str
    key: str
    kind: str
    pending: bool
    resolves: str | None
    postings: list[LedgerPosting]
    created_at: UtcDateTime


class Ledger(ApiModel):
    """An order's entries, oldest first, and the balance of every account they touch."""

    order_id: str
    entries: list[LedgerEntry]
    balances: list[LedgerBalance]


def ledger_balance(message: payments_pb2.LedgerBalance) -> ApiObject:
    """A LedgerBalance."""
    return {"account": message.account, "posted": money(message.posted), "pending": money(message.pending)}


def ledger_entry(message: payments_pb2.LedgerEntry) -> ApiObject:
    """A LedgerEntry; an entry that resolves nothing shows a null ``resolves``."""
    return {
        "id": message.id,
        "key": message.key,
        "kind": message.kind,
        "pending": message.pending,
        "resolves": message.resolves or None,
        "postings": [{"account": p.account, "amount": money(p.amount)} for p in message.postings],
        "createdAt": timestamp(message.created_at),
    }


async def resolve_order_ledger(backends: Backends, orderId: str) -> ApiObject:
    """An order's ledger (GraphQL `orderLedger`)."""
    request = payments_pb2.GetOrderLedgerRequest(order_id=orderId)
    response: payments_pb2.GetOrderLedgerResponse = await backends.call(backends.payments.GetOrderLedger, request)
    return {
        "orderId": response.order_id,
        "entries": [ledger_entry(entry) for entry in response.entries],
        "balances": [ledger_balance(balance) for balance in response.balances],
    }


router = APIRouter(tags=["admin"])


@router.get("/admin/orders/{order_id}/ledger", response_model=Ledger)
async def get_order_ledger(backends: BackendsDep, order_id: OrderId) -> ApiObject:
    """An order's ledger, for admins (GraphQL `orderLedger`)."""
    return await resolve_order_ledger(backends, orderId=order_id)


OPERATION = Operation("Query.orderLedger", resolve_order_ledger, router)
