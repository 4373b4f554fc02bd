"""An order, for its participants and staff; with the first page of its timeline when asked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from callsheet_kit.uow import transactional
from services.orders.domain.order import Order
from services.orders.usecases.access import ORDER_READERS, visible_order
from services.orders.usecases.list_timeline import timeline_page
from services.orders.usecases.ports import Command, OrdersUnitOfWork, TimelineRecord


@dataclass(frozen=True)
class GetOrder(Command):
    """Asks for one order, and for the first ``timeline_size`` entries of its timeline when above zero."""

    order_id: str
    timeline_size: int = 0


@dataclass(frozen=True)
class OrderView:
    """An order, and the first page of its timeline (entries and the next page's token) if it was asked for."""

    order: Order
    timeline: tuple[Sequence[TimelineRecord], str] | None = None


@transactional()
async def get_order(uow: OrdersUnitOfWork, command: GetOrder) -> OrderView:
    """The order; NOT_FOUND for anyone but its participants, staff, and notify and support on
    their own account."""
    order = await visible_order(uow, command.caller, command.order_id, readers=ORDER_READERS)
    if command.timeline_size <= 0:
        return OrderView(order)
    return OrderView(order, await timeline_page(uow, order.order_id, size=command.timeline_size))
