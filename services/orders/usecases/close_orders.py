"""The system closes completed orders once paid out and past their dispute window (a sweeper, shared by replicas)."""

from __future__ import annotations

from collections.abc import Callable

from services.orders.usecases.ports import OrdersUnitOfWork

BATCH = 100


async def close_due_orders(uow: Callable[[], OrdersUnitOfWork]) -> int:
    """Moves COMPLETED orders whose payout is paid and whose dispute window has passed to CLOSED; returns how many."""
    async with uow() as work:
        due = [order for order in await work.orders.due_to_close(work.now, limit=BATCH) if order.closable(work.now)]
        for order in due:
            order.close(now=work.now)
        await work.commit()
        return len(due)
