"""The order aggregate: its state machine in motion, and the events its changes record.

Every change bumps the version and records events; the unit of work turns them into timeline
entries and outbox events in the same transaction.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from callsheet_kit.domain import Aggregate, DomainEvent
from services.orders.domain.lifecycle import OrderState, Parties, Party, require_transition, require_version

# A participant's reason or note, as the timeline keeps it.
MAX_REASON_LENGTH = 2000


@dataclass(frozen=True, kw_only=True)
class TimelineEntry:
    """One line of an order's timeline, as a domain event describes itself."""

    kind: str  # system | card | payment | calendar | note | support
    subtype: str
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class OrderEvent(DomainEvent, ABC):
    """Something that happened to an order."""

    @abstractmethod
    def timeline_entry(self) -> TimelineEntry:
        """How the order's timeline shows this event."""


@dataclass(frozen=True, kw_only=True)
class OrderCreated(OrderEvent):
    """A checkout made the order from a quote."""

    quote_id: str

    def timeline_entry(self) -> TimelineEntry:
        """``order.created`` with the quote."""
        return TimelineEntry(kind="system", subtype="order.created", payload={"quoteId": self.quote_id})


@dataclass(frozen=True, kw_only=True)
class OrderTransitioned(OrderEvent):
    """The order moved from one state to another."""

    from_state: OrderState
    to_state: OrderState

    def details(self) -> dict[str, Any]:
        """What the timeline shows beyond the transition itself."""
        return {}

    def timeline_entry(self) -> TimelineEntry:
        """``order.<state>``."""
        return TimelineEntry(kind="system", subtype=f"order.{self.to_state.value}", payload=self.details())


@dataclass(frozen=True, kw_only=True)
class OrderAuthorized(OrderTransitioned):
    """The checkout's authorization holds the total."""

    payment_id: str
    authorized_cents: int

    def details(self) -> dict[str, Any]:
        """The payment and the amount held."""
        return {"paymentId": self.payment_id, "authorizedCents": self.authorized_cents}


@dataclass(frozen=True, kw_only=True)
class OrderConfirmed(OrderTransitioned):
    """The provider confirmed (or a reschedule moved a running session back to CONFIRMED)."""

    note: str = ""

    def details(self) -> dict[str, Any]:
        """The provider's note, when there is one."""
        return {"note": self.note} if self.note else {}


@dataclass(frozen=True, kw_only=True)
class OrderStarted(OrderTransitioned):
    """The session began."""


@dataclass(frozen=True, kw_only=True)
class OrderCompleted(OrderTransitioned):
    """The work was accepted as complete."""


@dataclass(frozen=True, kw_only=True)
class OrderDisputed(OrderTransitioned):
    """A dispute was opened."""


@dataclass(frozen=True, kw_only=True)
class OrderClosed(OrderTransitioned):
    """Paid out, past the dispute window."""


@dataclass(frozen=True, kw_only=True)
class OrderCancelled(OrderTransitioned):
    """A participant cancelled."""

    cancelled_by: Party
    reason: str

    def details(self) -> dict[str, Any]:
        """Who cancelled and why."""
        return {"cancelledBy": self.cancelled_by.value, "reason": self.reason}


@dataclass(frozen=True, kw_only=True)
class SlotBooked(OrderEvent):
    """The order's slot became a confirmed event on the provider's calendar."""

    start_utc: datetime
    end_utc: datetime

    def timeline_entry(self) -> TimelineEntry:
        """``calendar.event_confirmed`` with the slot."""
        return TimelineEntry(
            kind="calendar",
            subtype="calendar.event_confirmed",
            payload={"startUtc": self.start_utc.isoformat(), "endUtc": self.end_utc.isoformat()},
        )


@dataclass(frozen=True, kw_only=True)
class SlotReleased(OrderEvent):
    """The order's slot was freed on the provider's calendar."""

    def timeline_entry(self) -> TimelineEntry:
        """``calendar.event_released``."""
        return TimelineEntry(kind="calendar", subtype="calendar.event_released")


class Order(Aggregate):
    """A booking of a provider by a buyer, with its state machine and version."""

    order_id: str
    quote_id: str
    buyer_user_id: str
    provider_user_id: str
    role_code: str
    start_utc: datetime
    end_utc: datetime
    timezone: str
    location_json: dict[str, Any]
    policy_snapshot: dict[str, Any]
    price_snapshot: dict[str, Any]
    state: OrderState
    version: int
    created_at: datetime
    updated_at: datetime

    def __init__(
        self,
        *,
        order_id: str,
        quote_id: str,
        buyer_id: str,
        provider_id: str,
        role_code: str,
        start_utc: datetime,
        end_utc: datetime,
        timezone: str,
        location: dict[str, Any],
        price_snapshot: dict[str, Any],
        policy_snapshot: dict[str, Any],
        created_at: datetime,
    ) -> None:
        self.order_id = order_id
        self.quote_id = quote_id
        self.buyer_user_id = buyer_id
        self.provider_user_id = provider_id
        self.role_code = role_code
        self.start_utc = start_utc
        self.end_utc = end_utc
        self.timezone = timezone
        self.location_json = location
        self.price_snapshot = price_snapshot
        self.policy_snapshot = policy_snapshot
        self.state = OrderState.CREATED
        self.version = 0
        self.created_at = created_at
        self.updated_at = created_at

    @classmethod
    def open(cls, *, actor: str, **details: Any) -> Order:
        """A new order in CREATED, made by a checkout; records ``OrderCreated``."""
        order = cls(**details)
        order.record(OrderCreated(actor=actor, occurred_at=order.created_at, quote_id=order.quote_id))
        return order

    @property
    def event_subject(self) -> str:
        """Events about an order are about its id."""
        return self.order_id

    @property
    def parties(self) -> Parties:
        """The buyer and the provider."""
        return Parties(buyer_id=self.buyer_user_id, provider_id=self.provider_user_id)

    def authorize(self, *, payment_id: str, authorized_cents: int, actor: str, now: datetime) -> None:
        """CREATED → AUTHORIZED: the checkout's payment holds the total."""
        source = self._move(OrderState.AUTHORIZED, now)
        self.record(
            OrderAuthorized(
                actor=actor,
                occurred_at=now,
                from_state=source,
                to_state=self.state,
                payment_id=payment_id,
                authorized_cents=authorized_cents,
            )
        )

    def confirm(self, *, expected_version: int, actor: str, now: datetime, note: str = "") -> None:
        """AUTHORIZED → CONFIRMED by the provider: the slot is booked."""
        require_version(self.version, expected_version)
        source = self._move(OrderState.CONFIRMED, now)
        self.record(SlotBooked(actor=actor, occurred_at=now, start_utc=self.start_utc, end_utc=self.end_utc))
        self.record(OrderConfirmed(actor=actor, occurred_at=now, from_state=source, to_state=self.state, note=note))

    def cancel(self, *, by: Party, reason: str, expected_version: int, actor: str, now: datetime) -> None:
        """AUTHORIZED or CONFIRMED → CANCELLED; a booked slot is released."""
        require_version(self.version, expected_version)
        source = self._move(OrderState.CANCELLED, now)
        if source is OrderState.CONFIRMED:
            self.record(SlotReleased(actor=actor, occurred_at=now))
        self.record(
            OrderCancelled(
                actor=actor, occurred_at=now, from_state=source, to_state=self.state, cancelled_by=by, reason=reason
            )
        )

    def start(self, *, now: datetime) -> None:
        """CONFIRMED → IN_PROGRESS, by the system at the start time."""
        source = self._move(OrderState.IN_PROGRESS, now)
        self.record(OrderStarted(actor="", occurred_at=now, from_state=source, to_state=self.state))

    def _move(self, target: OrderState, now: datetime) -> OrderState:
        source = OrderState(self.state)
        require_transition(source, target)
        self.state = target
        self.version += 1
        self.updated_at = now
        return source
