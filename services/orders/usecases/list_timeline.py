"""A page of an order's timeline, oldest first, by keyset on its position."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from callsheet_kit.paging import decode_cursor, keyset_page
from callsheet_kit.uow import transactional
from services.orders.usecases.access import ORDER_READERS, visible_order
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
    await visible_order(uow, command.caller, command.order_id, readers=ORDER_READERS)
    return await timeline_page(uow, command.order_id, size=command.size, page_token=command.page_token)


async def timeline_page(
    uow: OrdersUnitOfWork, order_id: str, *, size: int, page_token: str = ""
) -> tuple[Sequence[TimelineRecord], str]:
    """A page of an order the caller was already found to see: its entries and the next page's token."""
    after = decode_cursor(page_token, TIMELINE, int)[0] if page_token else None
    rows = await uow.timeline.page(order_id, after=after, limit=size + 1)
    return keyset_page(list(rows), size, TIMELINE, lambda row: row.seq)
