"""What orders counts: every state change of an order, once it is committed.

``SqlOrdersUnitOfWork`` hands each committed event to ``count_order_event``, so a transition is
counted however it came about (a checkout, a confirmation, the start and closing sweepers, a card's
effect, a dispute) and exactly as often as it was committed. The final states are read from here:
``callsheet_orders_by_state`` counts only the live ones.
"""

from __future__ import annotations

from callsheet_kit.domain import DomainEvent
from callsheet_kit.metrics import counter
from services.orders.domain.lifecycle import TRANSITIONS
from services.orders.domain.order import OrderTransitioned

transitions = counter(
    "callsheet.orders.transitions",
    "State changes of orders, by the state left and the state reached",
    from_zero=[{"from": source.value, "to": target.value} for source, target in sorted(TRANSITIONS)],
)


def count_order_event(event: DomainEvent) -> None:
    """Counts one committed event of an order."""
    if isinstance(event, OrderTransitioned):
        transitions.add(1, {"from": event.from_state.value, "to": event.to_state.value})
