"""Who may move and see money: only orders moves an order's money; participants and staff see it."""

from __future__ import annotations

from callsheet_kit.errors import not_found, permission_denied
from callsheet_kit.identity import Caller
from services.payments.domain.payment import Payment
from services.payments.usecases.ports import PaymentsUnitOfWork

ORDERS_SERVICE = "orders"


def require_orders(caller: Caller) -> None:
    """Only the orders service (a verified service credential) may move an order's money."""
    if caller.service != ORDERS_SERVICE:
        raise permission_denied("only the orders service may move an order's money")


async def payment_to_move(uow: PaymentsUnitOfWork, order_id: str) -> Payment:
    """The order's payment, locked for a change; NOT_FOUND when the order has none."""
    payment = await uow.payment_of(order_id, lock=True) if order_id else None
    if payment is None:
        raise not_found("payment")
    return payment
