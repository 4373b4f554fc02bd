"""The order aggregate: its state machine in motion, and the events its changes record.

Every change bumps the version and records events; the unit of work turns them into timeline
entries and outbox events in the same transaction.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from callsheet_kit.domain import Aggregate, DomainEvent
from callsheet_kit.errors import Violations, invalid_field, not_found
from services.orders.domain.calendar import CalendarHold, Slot, check_slots_fit
from services.orders.domain.errors import OrdersReason
from services.orders.domain.lifecycle import (
    OrderState,
    Parties,
    Party,
    require_state,
    require_transition,
    require_version,
)

# A participant's reason or note, as the timeline keeps it.
MAX_REASON_LENGTH = 2000

S = OrderState
# A RESCHEDULE card may be made (and its slots held) while the booking is still ahead or under way.
RESCHEDULABLE = frozenset({S.AUTHORIZED, S.CONFIRMED, S.IN_PROGRESS})
# The states in which the order's slot is a confirmed event on the provider's calendar.
BOOKED = frozenset({S.CONFIRMED, S.IN_PROGRESS})
# A DISPUTE card may be made while the session runs and after it was completed.
DISPUTABLE = frozenset({S.IN_PROGRESS, S.COMPLETED})
# The windows of the contract, for a policy snapshot that does not name them (payments' always does).
DEFAULT_DISPUTE_WINDOW_DAYS = 7
DEFAULT_REVIEWS_WINDOW_DAYS = 14


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
    """The work was accepted as complete (a COMPLETE card), or a support agent resolved its dispute."""

    card_id: str = ""
    dispute_resolved: bool = False

    def details(self) -> dict[str, Any]:
        """The COMPLETE card that completed it, or that a dispute was resolved."""
        if self.dispute_resolved:
            return {"disputeResolved": True}
        return {"cardId": self.card_id} if self.card_id else {}


@dataclass(frozen=True, kw_only=True)
class OrderDisputed(OrderTransitioned):
    """A dispute was opened (a DISPUTE card)."""

    card_id: str = ""

    def details(self) -> dict[str, Any]:
        """The DISPUTE card."""
        return {"cardId": self.card_id} if self.card_id else {}


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

    # The slot freed, when it is not the order's own any more (a reschedule moved the order off it).
    slot: Slot | None = None

    def timeline_entry(self) -> TimelineEntry:
        """``calendar.event_released``, with the slot a reschedule left."""
        payload = self.slot.payload() if self.slot is not None else {}
        return TimelineEntry(kind="calendar", subtype="calendar.event_released", payload=payload)


@dataclass(frozen=True, kw_only=True)
class HoldsPlaced(OrderEvent):
    """The slots a RESCHEDULE card proposes are held on the provider's calendar, one hold each."""

    card_id: str
    slots: tuple[Slot, ...]

    def timeline_entry(self) -> TimelineEntry:
        """``calendar.holds_placed`` with the card and its slots."""
        slots = [{"slotIndex": index, **slot.payload()} for index, slot in enumerate(self.slots)]
        return TimelineEntry(
            kind="calendar", subtype="calendar.holds_placed", payload={"cardId": self.card_id, "slots": slots}
        )


@dataclass(frozen=True, kw_only=True)
class HoldsReleased(OrderEvent):
    """Holds of RESCHEDULE cards were let go (the card ended, another slot was chosen, or the order was cancelled)."""

    holds: tuple[CalendarHold, ...]

    def timeline_entry(self) -> TimelineEntry:
        """``calendar.holds_released`` with each hold's card, slot index and slot."""
        return TimelineEntry(
            kind="calendar",
            subtype="calendar.holds_released",
            payload={"holds": [hold.payload() for hold in self.holds]},
        )


@dataclass(frozen=True, kw_only=True)
class OrderRescheduled(OrderEvent):
    """An accepted RESCHEDULE card moved the order to the slot it chose."""

    card_id: str
    slot_index: int
    from_state: OrderState
    from_slot: Slot
    to_slot: Slot

    def timeline_entry(self) -> TimelineEntry:
        """``order.rescheduled`` (a card's effect) with the slot left and the slot taken."""
        return TimelineEntry(
            kind="card",
            subtype="order.rescheduled",
            payload={
                "cardId": self.card_id,
                "slotIndex": self.slot_index,
                "from": self.from_slot.payload(),
                "to": self.to_slot.payload(),
            },
        )


@dataclass(frozen=True, kw_only=True)
class ReviewsWindowOpened(OrderEvent):
    """The order was completed: its participants may review each other until ``closes_at``."""

    closes_at: datetime

    def timeline_entry(self) -> TimelineEntry:
        """``reviews.window.opened`` with when it closes."""
        return TimelineEntry(
            kind="system", subtype="reviews.window.opened", payload={"closesAt": self.closes_at.isoformat()}
        )


@dataclass(frozen=True)
class Rescheduling:
    """What an accepted reschedule does to the calendar: the hold that becomes the order's slot,
    the card's other holds to release, and whether the confirmed event moves with it."""

    chosen: CalendarHold
    released: Sequence[CalendarHold]
    moves_event: bool


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
    # When the provider's bank received the payout (payments' ``payout.paid``); the order can close after.
    payout_paid_at: datetime | None

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
        self.payout_paid_at = None

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

    @property
    def slot(self) -> Slot:
        """The booked slot."""
        return Slot(self.start_utc, self.end_utc)

    @property
    def dispute_window_closes_at(self) -> datetime:
        """The last moment a dispute may be opened: ``dispute_window_days`` of the policy after the end."""
        return self.end_utc + timedelta(days=self._policy_days("disputeWindowDays", DEFAULT_DISPUTE_WINDOW_DAYS))

    def hold_slots(self, *, card_id: str, slots: Sequence[Slot], actor: str, now: datetime) -> None:
        """Holds a RESCHEDULE card's slots: future, as long as the booking, while it may be rescheduled."""
        violations = Violations()
        check_slots_fit(violations, "slots", slots, duration=self.slot.duration, now=now)
        violations.raise_if_any()
        require_state(OrderState(self.state), RESCHEDULABLE, action="be rescheduled")
        self.record(HoldsPlaced(actor=actor, occurred_at=now, card_id=card_id, slots=tuple(slots)))

    def release_holds(self, holds: Sequence[CalendarHold], *, actor: str, now: datetime) -> list[CalendarHold]:
        """Lets go of the holds still held among ``holds``; returns them (in any state of the order)."""
        held = [hold for hold in holds if hold.held]
        if held:
            self.record(HoldsReleased(actor=actor, occurred_at=now, holds=tuple(held)))
        return held

    def reschedule(
        self,
        *,
        card_id: str,
        holds: Sequence[CalendarHold],
        slot_index: int,
        expected_version: int,
        actor: str,
        now: datetime,
    ) -> Rescheduling | None:
        """Moves the order to the slot of its RESCHEDULE card's hold ``slot_index``; None when it already was.

        The card's other holds are released; a confirmed event moves with the order (an AUTHORIZED
        order has none yet: its event is made when it is confirmed); a session under way goes back
        to CONFIRMED and continues at the new slot. The version bumps once. ``expected_version``
        0 skips the version check.
        """
        if not holds:
            raise not_found("the card's holds on this order")
        chosen = next((hold for hold in holds if hold.slot_index == slot_index), None)
        if chosen is None:
            raise invalid_field("slot_index", f"must name one of the card's slots (0 to {len(holds) - 1})")
        if chosen.converted_at is not None:
            return None  # the card's decision was applied before: a repeat changes nothing
        source = OrderState(self.state)
        require_state(source, RESCHEDULABLE, action="be rescheduled")
        if expected_version:
            require_version(self.version, expected_version)
        if chosen.released_at is not None:
            raise OrdersReason.HOLD_RELEASED.error(
                "the card's hold of that slot was released", slotIndex=str(slot_index)
            )
        before = self.slot
        released = [hold for hold in holds if hold.held and hold is not chosen]
        moves_event = source in BOOKED
        self.start_utc, self.end_utc = chosen.slot.start_utc, chosen.slot.end_utc
        if source is OrderState.IN_PROGRESS:
            require_transition(source, OrderState.CONFIRMED)
            self.state = OrderState.CONFIRMED
        self.version += 1
        self.updated_at = now
        if moves_event:
            self.record(SlotReleased(actor=actor, occurred_at=now, slot=before))
            self.record(SlotBooked(actor=actor, occurred_at=now, start_utc=self.start_utc, end_utc=self.end_utc))
        if released:
            self.record(HoldsReleased(actor=actor, occurred_at=now, holds=tuple(released)))
        self.record(
            OrderRescheduled(
                actor=actor,
                occurred_at=now,
                card_id=card_id,
                slot_index=slot_index,
                from_state=source,
                from_slot=before,
                to_slot=chosen.slot,
            )
        )
        if source is OrderState.IN_PROGRESS:
            self.record(OrderConfirmed(actor=actor, occurred_at=now, from_state=source, to_state=self.state))
        return Rescheduling(chosen=chosen, released=released, moves_event=moves_event)

    def complete(self, *, card_id: str, actor: str, now: datetime) -> None:
        """IN_PROGRESS → COMPLETED by an accepted COMPLETE card; the reviews window opens."""
        require_state(OrderState(self.state), frozenset({OrderState.IN_PROGRESS}), action="be completed")
        source = self._move(OrderState.COMPLETED, now)
        self.record(
            OrderCompleted(actor=actor, occurred_at=now, from_state=source, to_state=self.state, card_id=card_id)
        )
        days = self._policy_days("reviewsWindowDays", DEFAULT_REVIEWS_WINDOW_DAYS)
        self.record(ReviewsWindowOpened(actor=actor, occurred_at=now, closes_at=now + timedelta(days=days)))

    def dispute(self, *, card_id: str, actor: str, now: datetime) -> None:
        """IN_PROGRESS or COMPLETED → DISPUTED by a DISPUTE card, within the dispute window after the end."""
        require_state(OrderState(self.state), DISPUTABLE, action="be disputed")
        closes_at = self.dispute_window_closes_at
        if now > closes_at:
            raise OrdersReason.DISPUTE_WINDOW_CLOSED.error(
                "the dispute window of this order has closed", closedAt=closes_at.isoformat()
            )
        source = self._move(OrderState.DISPUTED, now)
        self.record(
            OrderDisputed(actor=actor, occurred_at=now, from_state=source, to_state=self.state, card_id=card_id)
        )

    def resolve_dispute(self, *, actor: str, now: datetime) -> None:
        """DISPUTED → COMPLETED: a support agent resolved the dispute case."""
        require_state(OrderState(self.state), frozenset({OrderState.DISPUTED}), action="have a dispute resolved")
        source = self._move(OrderState.COMPLETED, now)
        self.record(
            OrderCompleted(actor=actor, occurred_at=now, from_state=source, to_state=self.state, dispute_resolved=True)
        )

    def payout_paid(self, *, at: datetime) -> None:
        """Notes that the provider's payout reached their bank (the first time it is told)."""
        if self.payout_paid_at is None:
            self.payout_paid_at = at

    def closable(self, now: datetime) -> bool:
        """True once a completed order is paid out and past its dispute window."""
        return (
            OrderState(self.state) is OrderState.COMPLETED
            and self.payout_paid_at is not None
            and now > self.dispute_window_closes_at
        )

    def close(self, *, now: datetime) -> None:
        """COMPLETED → CLOSED by the system, once paid out and past the dispute window."""
        if OrderState(self.state) is OrderState.COMPLETED and not self.closable(now):
            raise OrdersReason.INVALID_TRANSITION.error(
                "an order closes once its payout is paid and its dispute window has passed", state="COMPLETED"
            )
        source = self._move(OrderState.CLOSED, now)
        self.record(OrderClosed(actor="", occurred_at=now, from_state=source, to_state=self.state))

    def _policy_days(self, name: str, default: int) -> int:
        value = self.policy_snapshot.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else default

    def _move(self, target: OrderState, now: datetime) -> OrderState:
        source = OrderState(self.state)
        require_transition(source, target)
        self.state = target
        self.version += 1
        self.updated_at = now
        return source
