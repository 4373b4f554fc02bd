"""Who may see an order: its participants and support staff; anyone else learns nothing."""

from __future__ import annotations

from callsheet_kit.errors import not_found
from callsheet_kit.identity import Caller
from services.orders.domain.lifecycle import visible_to
from services.orders.domain.order import Order
from services.orders.usecases.ports import OrdersUnitOfWork


async def visible_order(uow: OrdersUnitOfWork, caller: Caller, order_id: str, *, lock: bool = False) -> Order:
    """The order when the caller may see it (locked for update when asked); NOT_FOUND otherwise."""
    order = await uow.orders.get(order_id, lock=lock) if order_id else None
    if order is None or not visible_to(order.parties, caller.user_id, is_staff=caller.is_staff):
        raise not_found("order")
    return order
