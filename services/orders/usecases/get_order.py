"""An order, for its participants and staff."""

from __future__ import annotations

from dataclasses import dataclass

from callsheet_kit.uow import transactional
from services.orders.domain.order import Order
from services.orders.usecases.access import visible_order
from services.orders.usecases.ports import Command, OrdersUnitOfWork


@dataclass(frozen=True)
class GetOrder(Command):
    """Asks for one order."""

    order_id: str


@transactional()
async def get_order(uow: OrdersUnitOfWork, command: GetOrder) -> Order:
    """The order; NOT_FOUND for anyone but its participants and staff."""
    return await visible_order(uow, command.caller, command.order_id)
