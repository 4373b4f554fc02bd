"""Who may see an order, and who may command it.

Participants and support staff see an order, and so do the services that tell participants of
their orders or build support's evidence (notify, support) when they read one on their own
account (acting for no user); anyone else learns nothing. The commands that are
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
# Services that may read any order on their own account.
ORDER_READERS = frozenset({"notify", "support"})


async def visible_order(
    uow: OrdersUnitOfWork, caller: Caller, order_id: str, *, lock: bool = False, readers: frozenset[str] = frozenset()
) -> Order:
    """The order when the caller may see it (locked for update when asked); NOT_FOUND otherwise.

    ``readers`` are the services that may see any order when they call acting for no user.
    """
    order = await uow.orders.get(order_id, lock=lock) if order_id else None
    as_service = bool(caller.service) and caller.service in readers and not caller.user_id
    if order is None or not (as_service or visible_to(order.parties, caller.user_id, is_staff=caller.is_staff)):
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
