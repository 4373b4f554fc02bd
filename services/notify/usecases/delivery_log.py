"""The delivery log for support agents and admins, and sending a dead letter again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from callsheet_kit.errors import Violations, invalid_field, not_found, permission_denied
from callsheet_kit.identity import ADMIN, Caller
from callsheet_kit.paging import decode_cursor, keyset_page
from callsheet_kit.uow import transactional
from services.notify.adapters.repositories import DeliveryFilter, SqlNotifyUnitOfWork
from services.notify.adapters.tables import NotificationRow
from services.notify.domain.messages import Channel, DeliveryStatus

# The name cursors of this list carry, so no other list accepts them.
LOG = "deliveries"


@dataclass(frozen=True)
class ListDeliveries:
    """Asks for a page of the log."""

    caller: Caller
    where: DeliveryFilter
    size: int
    page_token: str


@dataclass(frozen=True)
class RetryDelivery:
    """Asks for a dead letter to be sent again."""

    caller: Caller
    notification_id: str


@transactional()
async def list_deliveries(uow: SqlNotifyUnitOfWork, command: ListDeliveries) -> tuple[Sequence[NotificationRow], str]:
    """A page of the log, newest first, and the token of the next."""
    if not command.caller.is_staff:
        raise permission_denied("only support agents and admins read the delivery log")
    violations = Violations()
    statuses = [status.value for status in DeliveryStatus]
    channels = [channel.value for channel in Channel]
    violations.check(
        not command.where.status or command.where.status in statuses, "status", f"must be one of {', '.join(statuses)}"
    )
    violations.check(
        not command.where.channel or command.where.channel in channels,
        "channel",
        f"must be one of {', '.join(channels)}",
    )
    violations.raise_if_any()
    before = decode_cursor(command.page_token, LOG, str)[0] if command.page_token else None
    rows = await uow.deliveries(command.where, before=before, limit=command.size + 1)
    return keyset_page(list(rows), command.size, LOG, lambda row: row.notification_id)


@transactional()
async def retry_delivery(uow: SqlNotifyUnitOfWork, command: RetryDelivery) -> NotificationRow:
    """Makes a dead letter pending again now, with a fresh budget of attempts."""
    if ADMIN not in command.caller.roles:
        raise permission_denied("only admins send a dead letter again")
    row = await uow.notification(command.notification_id, lock=True)
    if row is None:
        raise not_found("delivery")
    if row.status != DeliveryStatus.DEAD_LETTER:
        raise invalid_field("id", f"is {row.status}, not dead_letter: only a dead letter is sent again")
    if row.channel == Channel.IN_APP:
        raise invalid_field("id", "is a feed entry: only an email or a push is sent again")
    row.status, row.attempts, row.next_attempt_at = DeliveryStatus.PENDING, 0, uow.now
    await uow.session.flush()
    return row
