"""The caller's orders, as buyer or provider, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from callsheet_kit.paging import decode_cursor, keyset_page
from callsheet_kit.uow import transactional
from services.orders.domain.order import Order
from services.orders.usecases.ports import Command, OrdersUnitOfWork

# The name cursors of this list carry, so no other list accepts them.
ORDERS = "orders"


@dataclass(frozen=True)
class ListOrders(Command):
    """Asks for a page of the caller's orders."""

    size: int
    page_token: str


@transactional()
async def list_orders(uow: OrdersUnitOfWork, command: ListOrders) -> tuple[Sequence[Order], str]:
    """A page of orders and the token of the next one (empty at the end)."""
    before = decode_cursor(command.page_token, ORDERS, str)[0] if command.page_token else None
    rows = await uow.orders.list_for(command.caller.user_id, before=before, limit=command.size + 1)
    return keyset_page(list(rows), command.size, ORDERS, lambda order: order.order_id)
