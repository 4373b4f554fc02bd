"""What the orders use cases need of the world: repositories, a unit of work, payments.

The SQL adapters implement these over PostgreSQL; the use-case tests implement them in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from callsheet.payments.v1 import payments_pb2
from callsheet_kit.identity import Caller
from callsheet_kit.uow import Transaction
from services.orders.domain.calendar import CalendarHold, Slot
from services.orders.domain.order import Order, TimelineEntry


class OrderRepository(Protocol):
    """Orders by id, and the lists use cases need."""

    async def get(self, order_id: str, *, lock: bool = False) -> Order | None:
        """The order (locked for update when asked), or None."""
        ...

    def add(self, order: Order) -> None:
        """Adds a new order."""
        ...

    async def list_for(self, user_id: str, *, before: str | None, limit: int) -> Sequence[Order]:
        """The user's orders as buyer or provider, newest first, with ids below ``before``."""
        ...

    async def due_to_start(self, now: datetime, *, limit: int) -> Sequence[Order]:
        """CONFIRMED orders whose start has come, locked and skipped by other replicas."""
        ...

    async def due_to_close(self, now: datetime, *, limit: int) -> Sequence[Order]:
        """COMPLETED orders paid out and past their dispute window, locked and skipped by other replicas."""
        ...


class Calendar(Protocol):
    """The providers' confirmed bookings (overlaps are impossible), and the holds of RESCHEDULE cards."""

    async def is_free(self, provider_id: str, start: datetime, end: datetime, *, except_order: str = "") -> bool:
        """True when no confirmed booking of the provider (but ``except_order``'s) overlaps the slot."""
        ...

    async def book(self, order: Order, *, now: datetime, **metadata: str) -> None:
        """Books the order's slot; SLOT_TAKEN (with ``metadata``) when it overlaps a confirmed booking."""
        ...

    async def release(self, order: Order, *, now: datetime) -> None:
        """Frees the order's slot."""
        ...

    async def holds_of(self, order_id: str, *, card_id: str = "", lock: bool = False) -> Sequence[CalendarHold]:
        """The holds of a card on the order (of every card when ``card_id`` is empty), locked when asked."""
        ...

    async def place_holds(
        self, order: Order, *, card_id: str, slots: Sequence[Slot], now: datetime
    ) -> Sequence[CalendarHold]:
        """Holds each slot for the card on the order's provider's calendar; the holds, in the slots' order."""
        ...

    async def release_holds(self, holds: Sequence[CalendarHold], *, now: datetime) -> None:
        """Lets go of the holds."""
        ...

    async def convert_hold(self, hold: CalendarHold, *, now: datetime) -> None:
        """Marks the hold as having become its order's slot."""
        ...


@dataclass(frozen=True)
class TimelineRecord:
    """A stored timeline entry."""

    seq: int
    event_id: str
    order_id: str
    kind: str
    subtype: str
    actor_user_id: str | None
    payload: dict[str, Any]
    created_at: datetime


class Timeline(Protocol):
    """The orders' immutable timelines."""

    async def append(self, order_id: str, entry: TimelineEntry, *, actor: str, at: datetime) -> None:
        """Adds an entry at the end of the order's timeline."""
        ...

    async def page(self, order_id: str, *, after: int | None, limit: int) -> Sequence[TimelineRecord]:
        """Entries oldest first, after position ``after``."""
        ...


class OrdersUnitOfWork(Transaction, Protocol):
    """One transaction of an orders use case."""

    @property
    def orders(self) -> OrderRepository:
        """The orders."""
        ...

    @property
    def calendar(self) -> Calendar:
        """The providers' calendars."""
        ...

    @property
    def timeline(self) -> Timeline:
        """The orders' timelines."""
        ...


@dataclass(frozen=True)
class Command:
    """What every command carries: who asks."""

    caller: Caller


class PaymentsPort(Protocol):
    """The calls orders makes to payments; each effect is idempotent by the key it is given."""

    async def get_quote(self, quote_id: str) -> payments_pb2.Quote:
        """The quote, as the current caller may see it."""
        ...

    async def provider_account_status(self, provider_id: str) -> str:
        """Where the provider's payout account stands: ``pending``, ``restricted`` or ``active``."""
        ...

    async def authorize(
        self, *, key: str, quote_id: str, order_id: str, payment_method_id: str
    ) -> payments_pb2.Payment:
        """Authorizes the quote's total for the order."""
        ...

    async def void(self, *, key: str, order_id: str) -> None:
        """Releases the order's authorization, if it has one."""
        ...

    async def capture(self, *, key: str, order_id: str) -> payments_pb2.Payment:
        """Captures the order's authorization."""
        ...

    async def settle_cancellation(
        self, *, key: str, order_id: str, cancelled_by: str, start_utc: datetime, cancelled_at: datetime
    ) -> payments_pb2.SettleCancellationResponse:
        """Voids or refunds the order's payment by the policy in force at ``cancelled_at``."""
        ...
