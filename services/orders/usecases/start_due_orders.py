"""The system starts confirmed orders when their start comes (a sweeper, shared by replicas)."""

from __future__ import annotations

from collections.abc import Callable

from services.orders.usecases.ports import OrdersUnitOfWork

BATCH = 100


async def start_due_orders(uow: Callable[[], OrdersUnitOfWork]) -> int:
    """Moves CONFIRMED orders whose start has come to IN_PROGRESS; returns how many."""
    async with uow() as work:
        due = await work.orders.due_to_start(work.now, limit=BATCH)
        for order in due:
            order.start(now=work.now)
        await work.commit()
        return len(due)
