"""In-memory units of work for the use-case tests (cosmicpython's ``FakeUnitOfWork``).

They keep the rules honest without a database: a use case sees the same ports as in production,
events come out of the aggregates on commit, and the transaction guard is on, so a use case that
calls a peer or the card processor inside its unit of work fails here too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Self

from google.protobuf.message import Message

from callsheet_kit.db import transaction_scope
from callsheet_kit.domain import Aggregate, DomainEvent
from callsheet_kit.errors import idempotency_mismatch
from callsheet_kit.idempotency import pack_response, request_fingerprint
from callsheet_kit.saga import Saga, SagaStatus
from services.orders.domain.calendar import CalendarHold, Slot
from services.orders.domain.errors import OrdersReason
from services.orders.domain.lifecycle import OrderState
from services.orders.domain.order import Order, OrderEvent, TimelineEntry
from services.orders.usecases.ports import TimelineRecord
from services.payments.adapters.tables import QuoteRow, RateCard
from services.payments.domain.bookkeeping import Books, entry_for
from services.payments.domain.ledger import BOOKING_KINDS, Entry, Split, balances
from services.payments.domain.payment import Payment, PaymentEvent, PaymentStatus, RefundStatus
from services.payments.usecases.ports import Receipt, Refund

NOW = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)


class MemoryUnitOfWork:
    """What every in-memory unit of work shares: a clock, tracking, commit, idempotency, sagas."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._seen: list[Aggregate] = []
        self._scope = ExitStack()
        self._claim: tuple[str, str] | None = None
        self.committed = False

    @property
    def now(self) -> datetime:
        """The world's clock."""
        return self.world.now

    async def __aenter__(self) -> Self:
        self._scope.enter_context(transaction_scope())
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._scope.close()

    def track(self, aggregate: Any) -> Any:
        if not any(seen is aggregate for seen in self._seen):
            self._seen.append(aggregate)
        return aggregate

    async def commit(self) -> None:
        for aggregate in self._seen:
            for event in aggregate.pull_events():
                self.on_event(aggregate, event)
                self.world.published.append(event)
        self.committed = True

    def on_event(self, aggregate: Aggregate, event: DomainEvent) -> None:
        """Projections of a service, if any."""

    async def claim(self, *, scope: str, key: str, request: Message) -> Message | None:
        stored = self.world.idempotency.get((scope, key))
        if stored is None:
            self._claim = (scope, key)
            self.world.idempotency[(scope, key)] = (request_fingerprint(request), None)
            return None
        if stored[0] != request_fingerprint(request):
            raise idempotency_mismatch()
        return stored[1]

    async def peek(self, *, scope: str, key: str, request: Message) -> Message | None:
        stored = self.world.idempotency.get((scope, key))
        return stored[1] if stored is not None else None

    async def remember(self, response: Message) -> None:
        if self._claim is not None:
            fingerprint, _ = self.world.idempotency[self._claim]
            self.world.idempotency[self._claim] = (fingerprint, response)

    async def run_after_commit(self) -> None:
        """Sagas started in memory are recorded, not driven."""

    async def start_saga(
        self,
        *,
        kind: str,
        key: str,
        subject: str,
        step: str,
        data: Mapping[str, Any],
        deadline: datetime,
        request: Message | None = None,
        drive_after_commit: bool = True,
    ) -> tuple[Saga, bool]:
        existing = next((s for s in self.world.sagas if (s.kind, s.key) == (kind, key)), None)
        if existing is not None:
            return existing, False
        saga = Saga(
            saga_id=f"sga_{len(self.world.sagas) + 1}",
            kind=kind,
            key=key,
            subject=subject,
            status=SagaStatus.RUNNING,
            step=step,
            data=dict(data),
            attempts=0,
            deadline=deadline,
            last_error=None,
            response=None,
        )
        self.world.sagas.append(saga)
        return saga, True

    async def saga_pending(self, subject: str) -> bool:
        return any(s.subject == subject and not s.status.finished for s in self.world.sagas)

    async def finish_saga(self, saga: Saga, *, response: Message | None = None) -> Saga:
        saga.status = SagaStatus.FAILED if saga.status is SagaStatus.COMPENSATING else SagaStatus.COMPLETED
        saga.response = pack_response(response) if response is not None else None
        return saga

    async def resume_saga(self, *, kind: str, subject: str, data: Mapping[str, Any]) -> bool:
        for saga in self.world.sagas:
            if (saga.kind, saga.subject, saga.status) == (kind, subject, SagaStatus.RUNNING):
                saga.data.update(data)
                return True
        return False


@dataclass
class Booking:
    """A calendar entry."""

    provider_id: str
    start: datetime
    end: datetime
    order_id: str
    released: bool = False


@dataclass
class World:
    """Everything the in-memory units of work share: the stores, the clock, what was published."""

    now: datetime = NOW
    orders: dict[str, Order] = field(default_factory=dict)
    bookings: list[Booking] = field(default_factory=list)
    holds: list[CalendarHold] = field(default_factory=list)
    timeline: list[TimelineRecord] = field(default_factory=list)
    sagas: list[Saga] = field(default_factory=list)
    published: list[DomainEvent] = field(default_factory=list)
    idempotency: dict[tuple[str, str], tuple[str, Message | None]] = field(default_factory=dict)
    payments: dict[str, Payment] = field(default_factory=dict)
    quotes: dict[str, QuoteRow] = field(default_factory=dict)
    rates: dict[tuple[str, str], RateCard] = field(default_factory=dict)
    refunds: dict[str, Refund] = field(default_factory=dict)
    ledger: list[Entry] = field(default_factory=list)
    receipts: list[tuple[str, Receipt]] = field(default_factory=list)
    customers: dict[str, str] = field(default_factory=dict)

    def advance(self, **delta: float) -> None:
        """Moves the clock forward."""
        self.now += timedelta(**delta)


class MemoryOrderRepository:
    """Orders in a dict."""

    def __init__(self, uow: MemoryOrdersUnitOfWork) -> None:
        self._uow = uow
        self._orders = uow.world.orders

    async def get(self, order_id: str, *, lock: bool = False) -> Order | None:
        order = self._orders.get(order_id)
        return self._uow.track(order) if order is not None else None

    def add(self, order: Order) -> None:
        self._orders[order.order_id] = order
        self._uow.track(order)

    async def list_for(self, user_id: str, *, before: str | None, limit: int) -> Sequence[Order]:
        mine = [o for o in self._orders.values() if user_id in (o.buyer_user_id, o.provider_user_id)]
        mine = [o for o in mine if before is None or o.order_id < before]
        return sorted(mine, key=lambda o: o.order_id, reverse=True)[:limit]

    async def due_to_start(self, now: datetime, *, limit: int) -> Sequence[Order]:
        due = [o for o in self._orders.values() if o.state is OrderState.CONFIRMED and o.start_utc <= now]
        return [self._uow.track(o) for o in sorted(due, key=lambda o: o.start_utc)[:limit]]

    async def due_to_close(self, now: datetime, *, limit: int) -> Sequence[Order]:
        due = [o for o in self._orders.values() if o.closable(now)]
        return [self._uow.track(o) for o in sorted(due, key=lambda o: o.end_utc)[:limit]]


class MemoryCalendar:
    """Bookings in a list; overlaps are refused as the exclusion constraint refuses them."""

    def __init__(self, world: World) -> None:
        self._bookings = world.bookings
        self._holds = world.holds

    async def is_free(self, provider_id: str, start: datetime, end: datetime, *, except_order: str = "") -> bool:
        return not any(
            b.provider_id == provider_id
            and not b.released
            and b.order_id != except_order
            and b.start < end
            and start < b.end
            for b in self._bookings
        )

    async def book(self, order: Order, *, now: datetime, **metadata: str) -> None:
        if not await self.is_free(order.provider_user_id, order.start_utc, order.end_utc):
            raise OrdersReason.SLOT_TAKEN.error("the provider is already booked for this slot", **metadata)
        self._bookings.append(Booking(order.provider_user_id, order.start_utc, order.end_utc, order.order_id))

    async def release(self, order: Order, *, now: datetime) -> None:
        for booking in self._bookings:
            if booking.order_id == order.order_id:
                booking.released = True

    async def holds_of(self, order_id: str, *, card_id: str = "", lock: bool = False) -> Sequence[CalendarHold]:
        mine = [h for h in self._holds if h.order_id == order_id and (not card_id or h.card_id == card_id)]
        return sorted(mine, key=lambda h: (h.card_id, h.slot_index))

    async def place_holds(
        self, order: Order, *, card_id: str, slots: Sequence[Slot], now: datetime
    ) -> Sequence[CalendarHold]:
        placed = [
            CalendarHold(f"hld_{len(self._holds) + i + 1}", order.provider_user_id, order.order_id, card_id, i, s, now)
            for i, s in enumerate(slots)
        ]
        self._holds.extend(placed)
        return placed

    async def release_holds(self, holds: Sequence[CalendarHold], *, now: datetime) -> None:
        self._update({h.hold_id for h in holds}, released_at=now)

    async def convert_hold(self, hold: CalendarHold, *, now: datetime) -> None:
        self._update({hold.hold_id}, converted_at=now)

    def _update(self, hold_ids: set[str], **changes: datetime) -> None:
        for index, hold in enumerate(self._holds):
            if hold.hold_id in hold_ids:
                self._holds[index] = replace(hold, **changes)


class MemoryTimeline:
    """Timeline entries in a list."""

    def __init__(self, world: World) -> None:
        self._entries = world.timeline

    async def append(self, order_id: str, entry: TimelineEntry, *, actor: str, at: datetime) -> None:
        seq = len(self._entries) + 1
        self._entries.append(
            TimelineRecord(seq, f"tev_{seq}", order_id, entry.kind, entry.subtype, actor or None, entry.payload, at)
        )

    async def page(self, order_id: str, *, after: int | None, limit: int) -> Sequence[TimelineRecord]:
        mine = [e for e in self._entries if e.order_id == order_id and (after is None or e.seq > after)]
        return mine[:limit]


class MemoryOrdersUnitOfWork(MemoryUnitOfWork):
    """The orders unit of work in memory; order events land on the timeline on commit."""

    def __init__(self, world: World) -> None:
        super().__init__(world)
        self.orders = MemoryOrderRepository(self)
        self.calendar = MemoryCalendar(world)
        self.timeline = MemoryTimeline(world)

    def on_event(self, aggregate: Aggregate, event: DomainEvent) -> None:
        if isinstance(aggregate, Order) and isinstance(event, OrderEvent):
            entry = event.timeline_entry()
            seq = len(self.world.timeline) + 1
            self.world.timeline.append(
                TimelineRecord(
                    seq,
                    f"tev_{seq}",
                    aggregate.order_id,
                    entry.kind,
                    entry.subtype,
                    event.actor or None,
                    entry.payload,
                    event.occurred_at,
                )
            )


class MemoryPaymentsUnitOfWork(MemoryUnitOfWork):
    """The payments unit of work in memory; every money movement posts its ledger entry on commit, as in SQL."""

    def on_event(self, aggregate: Aggregate, event: DomainEvent) -> None:
        if not isinstance(aggregate, Payment) or not isinstance(event, PaymentEvent):
            return
        quote = self.world.quotes[aggregate.quote_id]
        price = Split(quote.subtotal_cents, quote.platform_fee_cents, quote.tax_cents)
        of_order = [entry for entry in self.world.ledger if entry.order_id == aggregate.order_id]
        booking = [entry for entry in of_order if entry.kind in BOOKING_KINDS]
        entry = entry_for(aggregate, event, Books(price=price, held=balances(of_order), booking=balances(booking)))
        if entry is None:
            return
        if any(posted.key == entry.key for posted in self.world.ledger):
            return  # posted once per key, as the unique index has it
        if entry.resolves is not None:
            # The database allows one resolution of a pending entry, and only of a pending one.
            assert any(p.key == entry.resolves and p.pending for p in self.world.ledger), entry
            assert not any(p.resolves == entry.resolves for p in self.world.ledger), entry
        self.world.ledger.append(entry)

    async def payment_of(self, order_id: str, *, lock: bool = False) -> Payment | None:
        payment = self.world.payments.get(order_id)
        return self.track(payment) if payment is not None else None

    async def live_payment_for_quote(self, quote_id: str) -> Payment | None:
        return next(
            (
                p
                for p in self.world.payments.values()
                if p.quote_id == quote_id and p.status is not PaymentStatus.FAILED
            ),
            None,
        )

    def add_payment(self, payment: Payment) -> None:
        self.world.payments[payment.order_id] = payment
        self.track(payment)

    async def quote(self, quote_id: str, *, lock: bool = False) -> QuoteRow | None:
        return self.world.quotes.get(quote_id)

    def add_quote(self, quote: QuoteRow) -> None:
        self.world.quotes[quote.quote_id] = quote

    async def rate_card(self, provider_id: str, role_code: str) -> RateCard | None:
        return self.world.rates.get((provider_id, role_code))

    async def provider_known(self, provider_id: str) -> bool:
        return any(provider == provider_id for provider, _ in self.world.rates)

    async def refund_by_key(self, key: str) -> Refund | None:
        return self.world.refunds.get(key)

    async def add_refund(self, refund: Refund, *, now: datetime) -> None:
        if refund.key in self.world.refunds:
            raise RuntimeError(f"duplicate refund key {refund.key}")
        self.world.refunds[refund.key] = refund

    async def pending_refunds_cents(self, payment_id: str) -> int:
        return sum(
            refund.amount_cents
            for refund in self.world.refunds.values()
            if refund.payment_id == payment_id and refund.status is RefundStatus.PENDING
        )

    async def refund_succeeded(self, refund_id: str, *, provider_refund_id: str) -> None:
        for key, refund in self.world.refunds.items():
            if refund.refund_id == refund_id:
                self.world.refunds[key] = Refund(**{**refund.__dict__, "status": RefundStatus.SUCCEEDED})

    async def issue_receipt(
        self, payment: Payment, *, kind: str, total_cents: int, now: datetime, split: Split | None = None
    ) -> None:
        receipt = Receipt(f"rcp_{len(self.world.receipts) + 1}", kind, total_cents, payment.currency, now)
        self.world.receipts.append((payment.payment_id, receipt))

    async def receipts(self, payment_id: str) -> Sequence[Receipt]:
        return [receipt for owner, receipt in self.world.receipts if owner == payment_id]

    async def buyer_customer(self, buyer_id: str) -> str | None:
        return self.world.customers.get(buyer_id)

    async def keep_buyer_customer(self, buyer_id: str, customer: str) -> str:
        return self.world.customers.setdefault(buyer_id, customer)
