"""Support resolves an order's dispute case: the order is COMPLETED again."""

from __future__ import annotations

from dataclasses import dataclass

from callsheet_kit.errors import Violations
from callsheet_kit.uow import transactional
from services.orders.domain.order import Order
from services.orders.usecases.access import SUPPORT, check_reference, commanded_order, require_service
from services.orders.usecases.ports import Command, OrdersUnitOfWork


@dataclass(frozen=True)
class ResolveDispute(Command):
    """A resolved dispute case."""

    order_id: str


@transactional(idempotency="resolve-dispute")
async def resolve_dispute(uow: OrdersUnitOfWork, command: ResolveDispute) -> Order:
    """DISPUTED → COMPLETED."""
    require_service(command.caller, SUPPORT, action="resolve a dispute")
    violations = Violations()
    check_reference(violations, "order_id", command.order_id)
    violations.raise_if_any()
    order = await commanded_order(uow, command.order_id)
    order.resolve_dispute(actor=command.caller.user_id, now=uow.now)
    return order
