"""Who may see an order, and who may command it.

Participants and support staff see an order; anyone else learns nothing. The commands that are
the side effects of action cards (and of support's dispute cases) come from those services
alone, with their own credentials: no user may call them, whoever they are.
"""

from __future__ import annotations

from callsheet_kit.errors import Violations, not_found, permission_denied
from callsheet_kit.identity import Caller
from callsheet_kit.validation import MAX_ID, check_text
from services.orders.domain.lifecycle import visible_to
from services.orders.domain.order import Order
from services.orders.usecases.ports import OrdersUnitOfWork

CARDS = frozenset({"cards"})
SUPPORT = frozenset({"support"})


async def visible_order(uow: OrdersUnitOfWork, caller: Caller, order_id: str, *, lock: bool = False) -> Order:
    """The order when the caller may see it (locked for update when asked); NOT_FOUND otherwise."""
    order = await uow.orders.get(order_id, lock=lock) if order_id else None
    if order is None or not visible_to(order.parties, caller.user_id, is_staff=caller.is_staff):
        raise not_found("order")
    return order


def require_service(caller: Caller, services: frozenset[str], *, action: str) -> None:
    """PERMISSION_DENIED unless one of ``services`` makes the call."""
    if caller.service not in services:
        raise permission_denied(f"only the {' or '.join(sorted(services))} service may {action}")


def check_reference(violations: Violations, field: str, value: str) -> None:
    """Records an id that is missing or not shaped like one."""
    check_text(violations, field, value, max_length=MAX_ID, required=True)


async def commanded_order(uow: OrdersUnitOfWork, order_id: str) -> Order:
    """The order a service's command is about, locked for the change; NOT_FOUND when there is none."""
    order = await uow.orders.get(order_id, lock=True)
    if order is None:
        raise not_found("order")
    return order
