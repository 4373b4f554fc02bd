"""Order briefs notify was not told of: read from orders, outside any transaction.

An order's events keep its brief; an event about an order whose brief is missing waits
(``RetryLater``) and names the order here. Usually the order's own first event is a moment away
and the brief comes with it; for an order booked before notify kept briefs it never would, so a
worker asks orders for every order missing a little while, and keeps its brief. An order orders
does not know at all is remembered as unknown, and its events are told to no one.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol

from services.notify.adapters.repositories import SqlNotifyUnitOfWork
from services.notify.domain.compose import OrderFacts

log = logging.getLogger(__name__)

# How long an order may be missing before orders is asked (its own event is usually faster).
GRACE_SECONDS = 2.0
# Orders found unknown are remembered this many at most.
MAX_UNKNOWN = 10_000


class OrderSource(Protocol):
    """Where an order is read (the orders service)."""

    async def order(self, order_id: str) -> tuple[OrderFacts, int] | None:
        """The order and its version, or None when there is no such order."""
        ...


class OrderBriefs:
    """The orders missing a brief, and the worker step that fetches them."""

    def __init__(self, source: OrderSource, *, grace: float = GRACE_SECONDS) -> None:
        self._source = source
        self._grace = grace
        self._wanted: dict[str, float] = {}
        self._unknown: set[str] = set()

    def want(self, order_id: str) -> None:
        """An event named an order with no brief."""
        self._wanted.setdefault(order_id, time.monotonic())

    def unknown(self, order_id: str) -> bool:
        """True for an order orders said it does not know."""
        return order_id in self._unknown

    async def fetch(self, uow: Callable[[], SqlNotifyUnitOfWork]) -> int:
        """Reads the orders missing longer than the grace and keeps their briefs; how many."""
        due = [order_id for order_id, since in self._wanted.items() if time.monotonic() - since >= self._grace]
        for order_id in due:
            found = await self._source.order(order_id)
            if found is None:
                log.warning("events name order %s, which orders does not know: told to no one", order_id)
                if len(self._unknown) < MAX_UNKNOWN:
                    self._unknown.add(order_id)
            else:
                order, version = found
                async with uow() as work:
                    await work.record_order(order, version=version)
                    await work.commit()
            del self._wanted[order_id]
        return len(due)
