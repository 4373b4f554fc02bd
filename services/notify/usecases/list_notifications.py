"""The caller's in-app feed, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from callsheet_kit.errors import permission_denied
from callsheet_kit.identity import Caller
from callsheet_kit.paging import decode_cursor, keyset_page
from callsheet_kit.uow import transactional
from services.notify.adapters.repositories import SqlNotifyUnitOfWork
from services.notify.adapters.tables import NotificationRow
from services.notify.domain.messages import Channel

# The name cursors of this list carry, so no other list accepts them.
FEED = "notifications"


@dataclass(frozen=True)
class ListNotifications:
    """Asks for a page of the caller's feed."""

    caller: Caller
    size: int
    page_token: str


@transactional()
async def list_notifications(
    uow: SqlNotifyUnitOfWork, command: ListNotifications
) -> tuple[Sequence[NotificationRow], str]:
    """A page of the feed and the token of the next one."""
    if not command.caller.user_id:
        raise permission_denied("a user must read a feed")
    before = decode_cursor(command.page_token, FEED, str)[0] if command.page_token else None
    rows = await uow.feed(command.caller.user_id, Channel.IN_APP, before=before, limit=command.size + 1)
    return keyset_page(list(rows), command.size, FEED, lambda row: row.notification_id)
