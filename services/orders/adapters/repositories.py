"""The orders repositories and unit of work over PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from psycopg.types.range import Range
from sqlalchemy import Integer, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from callsheet_kit.domain import Aggregate, DomainEvent
from callsheet_kit.ids import new_id
from callsheet_kit.uow import KitParts, UnitOfWork
from services.orders.adapters.tables import calendar_table, hold_table, order_table, timeline_table
from services.orders.adapters.wire import encode_event
from services.orders.domain.calendar import CalendarHold, Slot
from services.orders.domain.errors import OrdersReason
from services.orders.domain.lifecycle import OrderState
from services.orders.domain.order import DEFAULT_DISPUTE_WINDOW_DAYS, Order, OrderEvent, TimelineEntry
from services.orders.usecases.metrics import count_order_event
from services.orders.usecases.ports import TimelineRecord

EXCLUSION_VIOLATION = "23P01"


class SqlOrderRepository:
    """Orders in ``ord.order``; every order loaded or added is tracked for its events."""

    def __init__(self, session: AsyncSession, uow: UnitOfWork) -> None:
        self._session = session
        self._uow = uow

    async def get(self, order_id: str, *, lock: bool = False) -> Order | None:
        """The order (``SELECT … FOR UPDATE`` when locking), or None."""
        order = await self._session.get(Order, order_id, with_for_update=lock)
        return self._uow.track(order) if order is not None else None

    def add(self, order: Order) -> None:
        """Adds a new order."""
        self._session.add(order)
        self._uow.track(order)

    async def list_for(self, user_id: str, *, before: str | None, limit: int) -> Sequence[Order]:
        """The user's orders, newest first (ids sort by time)."""
        query = (
            select(Order)
            .where(or_(order_table.c.buyer_user_id == user_id, order_table.c.provider_user_id == user_id))
            .order_by(order_table.c.order_id.desc())
            .limit(limit)
        )
        if before is not None:
            query = query.where(order_table.c.order_id < before)
        return list((await self._session.execute(query)).scalars())

    async def due_to_start(self, now: datetime, *, limit: int) -> Sequence[Order]:
        """CONFIRMED orders whose start has come, locked, skipping rows other replicas hold."""
        query = (
            select(Order)
            .where(order_table.c.state == OrderState.CONFIRMED, order_table.c.start_utc <= now)
            .order_by(order_table.c.start_utc)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [self._uow.track(order) for order in (await self._session.execute(query)).scalars()]

    async def due_to_close(self, now: datetime, *, limit: int) -> Sequence[Order]:
        """COMPLETED orders paid out and past their dispute window, locked, skipping rows other replicas hold."""
        window_days = func.coalesce(
            order_table.c.policy_snapshot["disputeWindowDays"].astext.cast(Integer), DEFAULT_DISPUTE_WINDOW_DAYS
        )
        query = (
            select(Order)
            .where(
                order_table.c.state == OrderState.COMPLETED,
                order_table.c.payout_paid_at.is_not(None),
                order_table.c.end_utc + func.make_interval(0, 0, 0, window_days) < now,
            )
            .order_by(order_table.c.end_utc)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [self._uow.track(order) for order in (await self._session.execute(query)).scalars()]


class SqlCalendar:
    """Confirmed bookings in ``ord.calendar_event``, guarded by an exclusion constraint."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def is_free(self, provider_id: str, start: datetime, end: datetime, *, except_order: str = "") -> bool:
        """True when no active booking of the provider (but ``except_order``'s) overlaps ``[start, end)``."""
        query = (
            select(calendar_table.c.calendar_event_id)
            .where(
                calendar_table.c.provider_user_id == provider_id,
                calendar_table.c.released_at.is_(None),
                calendar_table.c.during.op("&&")(Range(start, end, "[)")),
            )
            .limit(1)
        )
        if except_order:
            query = query.where(calendar_table.c.order_id != except_order)
        return (await self._session.execute(query)).first() is None

    async def book(self, order: Order, *, now: datetime, **metadata: str) -> None:
        """Books the order's slot; the database refuses an overlap (SLOT_TAKEN, with ``metadata``)."""
        try:
            await self._session.execute(
                insert(calendar_table).values(
                    calendar_event_id=new_id("cal"),
                    provider_user_id=order.provider_user_id,
                    order_id=order.order_id,
                    during=Range(order.start_utc, order.end_utc, "[)"),
                    created_at=now,
                )
            )
        except IntegrityError as exc:
            if getattr(exc.orig, "sqlstate", "") == EXCLUSION_VIOLATION:
                raise OrdersReason.SLOT_TAKEN.error(
                    "the provider is already booked for this slot", **metadata
                ) from None
            raise

    async def release(self, order: Order, *, now: datetime) -> None:
        """Frees the order's slot, if it held one."""
        await self._session.execute(
            update(calendar_table)
            .where(calendar_table.c.order_id == order.order_id, calendar_table.c.released_at.is_(None))
            .values(released_at=now)
        )

    async def holds_of(self, order_id: str, *, card_id: str = "", lock: bool = False) -> Sequence[CalendarHold]:
        """The holds of a card on the order (every card's when ``card_id`` is empty), by slot index."""
        query = select(hold_table).where(hold_table.c.order_id == order_id)
        if card_id:
            query = query.where(hold_table.c.card_id == card_id)
        query = query.order_by(hold_table.c.card_id, hold_table.c.slot_index)
        if lock:
            query = query.with_for_update()
        return [_hold(row._mapping) for row in await self._session.execute(query)]

    async def place_holds(
        self, order: Order, *, card_id: str, slots: Sequence[Slot], now: datetime
    ) -> Sequence[CalendarHold]:
        """Holds each slot for the card; returns the holds in the order of the slots."""
        holds = [
            CalendarHold(
                hold_id=new_id("hld"),
                provider_id=order.provider_user_id,
                order_id=order.order_id,
                card_id=card_id,
                slot_index=index,
                slot=slot,
                created_at=now,
            )
            for index, slot in enumerate(slots)
        ]
        await self._session.execute(
            insert(hold_table),
            [
                {
                    "hold_id": hold.hold_id,
                    "provider_user_id": hold.provider_id,
                    "order_id": hold.order_id,
                    "card_id": hold.card_id,
                    "slot_index": hold.slot_index,
                    "during": Range(hold.slot.start_utc, hold.slot.end_utc, "[)"),
                    "created_at": now,
                }
                for hold in holds
            ],
        )
        return holds

    async def release_holds(self, holds: Sequence[CalendarHold], *, now: datetime) -> None:
        """Lets go of the holds."""
        if holds:
            await self._session.execute(
                update(hold_table)
                .where(hold_table.c.hold_id.in_([hold.hold_id for hold in holds]))
                .values(released_at=now)
            )

    async def convert_hold(self, hold: CalendarHold, *, now: datetime) -> None:
        """Marks the hold as having become its order's slot."""
        await self._session.execute(
            update(hold_table).where(hold_table.c.hold_id == hold.hold_id).values(converted_at=now)
        )


def _hold(row: Any) -> CalendarHold:
    during: Range[datetime] = row["during"]
    assert during.lower is not None and during.upper is not None
    return CalendarHold(
        hold_id=row["hold_id"],
        provider_id=row["provider_user_id"],
        order_id=row["order_id"],
        card_id=row["card_id"],
        slot_index=row["slot_index"],
        slot=Slot(during.lower, during.upper),
        created_at=row["created_at"],
        released_at=row["released_at"],
        converted_at=row["converted_at"],
    )


class SqlTimeline:
    """Timelines in ``ord.timeline_event``; ``seq`` keys the keyset pages."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def append(self, order_id: str, entry: TimelineEntry, *, actor: str, at: datetime) -> None:
        """Adds an entry at the end of the order's timeline."""
        await self._session.execute(
            insert(timeline_table).values(
                event_id=new_id("tev"),
                order_id=order_id,
                kind=entry.kind,
                subtype=entry.subtype,
                actor_user_id=actor or None,
                payload=entry.payload,
                created_at=at,
            )
        )

    async def page(self, order_id: str, *, after: int | None, limit: int) -> Sequence[TimelineRecord]:
        """Entries oldest first after ``after``: an index range scan, however long the timeline."""
        query = (
            select(timeline_table)
            .where(timeline_table.c.order_id == order_id)
            .order_by(timeline_table.c.seq)
            .limit(limit)
        )
        if after is not None:
            query = query.where(timeline_table.c.seq > after)
        return [TimelineRecord(**row._mapping) for row in await self._session.execute(query)]


class SqlOrdersUnitOfWork(UnitOfWork):
    """The orders unit of work: orders, calendar and timeline in one transaction.

    Every event an order records becomes a line of its timeline in the same transaction.
    """

    orders: SqlOrderRepository
    calendar: SqlCalendar
    timeline: SqlTimeline

    def __init__(self, parts: KitParts) -> None:
        super().__init__(parts, encode_event)

    def open_repositories(self) -> None:
        """Repositories over this transaction's session."""
        self.orders = SqlOrderRepository(self.session, self)
        self.calendar = SqlCalendar(self.session)
        self.timeline = SqlTimeline(self.session)

    async def on_event(self, aggregate: Aggregate, event: DomainEvent) -> None:
        """Writes the order's timeline entry of the event."""
        if isinstance(aggregate, Order) and isinstance(event, OrderEvent):
            await self.timeline.append(
                aggregate.order_id, event.timeline_entry(), actor=event.actor, at=event.occurred_at
            )

    def on_committed(self, aggregate: Aggregate, event: DomainEvent) -> None:
        """Counts a committed event of an order (``services.orders.usecases.metrics``)."""
        if isinstance(aggregate, Order):
            count_order_event(event)
