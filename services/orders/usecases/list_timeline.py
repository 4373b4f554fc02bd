"""A page of an order's timeline, oldest first, by keyset on its position."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from callsheet_kit.paging import decode_cursor, keyset_page
from callsheet_kit.uow import transactional
from services.orders.usecases.access import visible_order
from services.orders.usecases.ports import Command, OrdersUnitOfWork, TimelineRecord

# The name cursors of this list carry, so no other list accepts them.
TIMELINE = "timeline"


@dataclass(frozen=True)
class ListTimeline(Command):
    """Asks for a page of an order's timeline."""

    order_id: str
    size: int
    page_token: str


@transactional()
async def list_timeline(uow: OrdersUnitOfWork, command: ListTimeline) -> tuple[Sequence[TimelineRecord], str]:
    """The entries and the token of the next page; NOT_FOUND for non-participants."""
    await visible_order(uow, command.caller, command.order_id)
    after = decode_cursor(command.page_token, TIMELINE, int)[0] if command.page_token else None
    rows = await uow.timeline.page(command.order_id, after=after, limit=command.size + 1)
    return keyset_page(list(rows), command.size, TIMELINE, lambda row: row.seq)
