"""Who may move and see money.

Only orders moves an order's money. An order's money is seen by its participants, staff and
orders, and by the services that read any order on their own account (acting for no user):
support, whose evidence packs hold an order's payment, receipts and ledger. The ledger itself is
for admins and for those services; everyone else, support agents included, is refused it.
"""

from __future__ import annotations

from callsheet_kit.errors import not_found, permission_denied
from callsheet_kit.identity import ADMIN, Caller
from services.payments.domain.payment import Payment
from services.payments.usecases.ports import PaymentsUnitOfWork

ORDERS_SERVICE = "orders"
# Services that may read any order's money on their own account.
MONEY_READERS = frozenset({"support"})


def require_orders(caller: Caller) -> None:
    """Only the orders service (a verified service credential) may move an order's money."""
    if caller.service != ORDERS_SERVICE:
        raise permission_denied("only the orders service may move an order's money")


def reads_on_own_account(caller: Caller) -> bool:
    """True for a service of ``MONEY_READERS`` calling for no user (acting for a user, it is that user)."""
    return caller.service in MONEY_READERS and not caller.user_id


def may_see_money(caller: Caller, payment: Payment) -> bool:
    """The order's participants, staff, orders, and support on its own account see an order's money."""
    return (
        caller.is_staff
        or caller.service == ORDERS_SERVICE
        or reads_on_own_account(caller)
        or (bool(caller.user_id) and caller.user_id in (payment.buyer_id, payment.provider_id))
    )


def require_ledger_reader(caller: Caller) -> None:
    """An order's ledger is for admins and support on its own account; anyone else is PERMISSION_DENIED."""
    if ADMIN not in caller.roles and not reads_on_own_account(caller):
        raise permission_denied("only an admin may read the ledger")


async def payment_to_move(uow: PaymentsUnitOfWork, order_id: str) -> Payment:
    """The order's payment, locked for a change; NOT_FOUND when the order has none."""
    payment = await uow.payment_of(order_id, lock=True) if order_id else None
    if payment is None:
        raise not_found("payment")
    return payment
