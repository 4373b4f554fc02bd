"""The cards engine marks an order disputed when a DISPUTE card is made, within the dispute window."""

from __future__ import annotations

from dataclasses import dataclass

from callsheet_kit.errors import Violations
from callsheet_kit.uow import transactional
from services.orders.domain.order import Order
from services.orders.usecases.access import CARDS, check_reference, commanded_order, require_service
from services.orders.usecases.ports import Command, OrdersUnitOfWork


@dataclass(frozen=True)
class DisputeOrder(Command):
    """A new DISPUTE card."""

    order_id: str
    card_id: str


@transactional(idempotency="dispute-order")
async def dispute_order(uow: OrdersUnitOfWork, command: DisputeOrder) -> Order:
    """IN_PROGRESS or COMPLETED → DISPUTED, until ``dispute_window_days`` after the end."""
    require_service(command.caller, CARDS, action="dispute an order")
    violations = Violations()
    check_reference(violations, "order_id", command.order_id)
    check_reference(violations, "card_id", command.card_id)
    violations.raise_if_any()
    order = await commanded_order(uow, command.order_id)
    order.dispute(card_id=command.card_id, actor=command.caller.user_id, now=uow.now)
    return order
