"""The cards engine completes a session whose COMPLETE card was accepted; the reviews window opens."""

from __future__ import annotations

from dataclasses import dataclass

from callsheet_kit.errors import Violations
from callsheet_kit.uow import transactional
from services.orders.domain.order import Order
from services.orders.usecases.access import CARDS, check_reference, commanded_order, require_service
from services.orders.usecases.ports import Command, OrdersUnitOfWork


@dataclass(frozen=True)
class CompleteOrder(Command):
    """An accepted COMPLETE card."""

    order_id: str
    card_id: str


@transactional(idempotency="complete-order")
async def complete_order(uow: OrdersUnitOfWork, command: CompleteOrder) -> Order:
    """IN_PROGRESS → COMPLETED, and ``reviews.window.opened``."""
    require_service(command.caller, CARDS, action="complete an order")
    violations = Violations()
    check_reference(violations, "order_id", command.order_id)
    check_reference(violations, "card_id", command.card_id)
    violations.raise_if_any()
    order = await commanded_order(uow, command.order_id)
    order.complete(card_id=command.card_id, actor=command.caller.user_id, now=uow.now)
    return order
