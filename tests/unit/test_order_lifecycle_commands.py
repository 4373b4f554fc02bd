"""The commands the cards engine and support give orders, on an in-memory unit of work.

Holds of RESCHEDULE cards, applying the chosen slot, completing, disputing within the window,
resolving the dispute, and closing once paid out: each rule, its events and its refusals.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import pytest
from memory import NOW, MemoryOrdersUnitOfWork, World

from callsheet.events.v1.envelope_pb2 import EventEnvelope
from callsheet.orders.v1 import events_pb2, orders_pb2
from callsheet.payments.v1 import events_pb2 as payment_events
from callsheet_kit.errors import DomainError, ErrorCode
from callsheet_kit.identity import Caller, acting_as
from callsheet_kit.proto import timestamp
from callsheet_kit.uow import execute
from services.orders.adapters.wire import encode_event
from services.orders.domain.calendar import Slot
from services.orders.domain.lifecycle import OrderState
from services.orders.domain.order import (
    HoldsPlaced,
    HoldsReleased,
    Order,
    OrderClosed,
    OrderCompleted,
    OrderConfirmed,
    OrderDisputed,
    OrderRescheduled,
    OrderStarted,
    ReviewsWindowOpened,
    SlotBooked,
    SlotReleased,
)
from services.orders.usecases.apply_reschedule import ApplyReschedule, apply_reschedule
from services.orders.usecases.cancel_order import CancelOrder, cancel_order
from services.orders.usecases.close_orders import close_due_orders
from services.orders.usecases.complete_order import CompleteOrder, complete_order
from services.orders.usecases.confirm_order import ConfirmOrder, ProviderStanding, confirm_order
from services.orders.usecases.dispute_order import DisputeOrder, dispute_order
from services.orders.usecases.hold_slots import HoldSlots, hold_slots
from services.orders.usecases.record_payment_event import record_payment_event
from services.orders.usecases.release_holds import ReleaseHolds, release_holds
from services.orders.usecases.resolve_dispute import ResolveDispute, resolve_dispute
from services.orders.usecases.start_due_orders import start_due_orders

BUYER, PROVIDER = Caller(user_id="u_b"), Caller(user_id="u_p")
# The cards engine acting for the participant who answered the card; support for its agent.
CARDS = Caller(user_id="u_b", service="cards")
SUPPORT = Caller(user_id="u_agent", roles=frozenset({"support_agent"}), service="support")
GATEWAY = Caller(user_id="u_b", service="gateway")
START = NOW + timedelta(days=10)
HOURS = timedelta(hours=2)
POLICY = {"disputeWindowDays": 7, "reviewsWindowDays": 14, "payoutDelayDays": 2}


def slot(days: float, hours: float = 0) -> tuple[datetime, datetime]:
    """A two-hour slot ``days`` (and ``hours``) after the booking's start."""
    start = START + timedelta(days=days, hours=hours)
    return start, start + HOURS


async def run(world: World, use_case: Any, command: Any) -> Any:
    async with MemoryOrdersUnitOfWork(world) as uow:
        result = await use_case(uow, command)
        await uow.commit()
        return result


async def booked(world: World, order_id: str = "ord_1", *, start: datetime = START, confirm: bool = True) -> Order:
    """An AUTHORIZED order, confirmed unless told otherwise; its events so far forgotten."""
    order = Order.open(
        actor=BUYER.user_id,
        order_id=order_id,
        quote_id=f"qte_{order_id}",
        buyer_id=BUYER.user_id,
        provider_id=PROVIDER.user_id,
        role_code="photographer",
        start_utc=start,
        end_utc=start + HOURS,
        timezone="Europe/Berlin",
        location={"country": "DE"},
        price_snapshot={"totalCents": 100},
        policy_snapshot=dict(POLICY),
        created_at=world.now,
    )
    order.authorize(payment_id="pay_1", authorized_cents=100, actor=BUYER.user_id, now=world.now)
    order.pull_events()
    world.orders[order_id] = order
    if confirm:
        standing = ProviderStanding(PROVIDER.user_id, "active")
        await run(
            world,
            confirm_order,
            ConfirmOrder(caller=PROVIDER, order_id=order_id, expected_version=1, provider=standing),
        )
    world.published.clear()
    world.timeline.clear()
    return order


async def in_progress(world: World, order_id: str = "ord_1") -> Order:
    """A confirmed order whose session began (the clock moved to its start)."""
    order = await booked(world, order_id)
    world.now = order.start_utc
    await start_due_orders(lambda: MemoryOrdersUnitOfWork(world))
    world.published.clear()
    world.timeline.clear()
    return order


def hold(order_id: str, card_id: str, *slots: tuple[datetime, datetime], caller: Caller = CARDS) -> HoldSlots:
    return HoldSlots(caller=caller, order_id=order_id, card_id=card_id, slots=list(slots))


def apply(order_id: str, card_id: str, index: int, version: int = 0, caller: Caller = CARDS) -> ApplyReschedule:
    return ApplyReschedule(
        caller=caller, order_id=order_id, card_id=card_id, slot_index=index, expected_version=version
    )


def subtypes(world: World) -> list[str]:
    return [entry.subtype for entry in world.timeline]


def active_bookings(world: World) -> list[tuple[str, datetime]]:
    return [(b.order_id, b.start) for b in world.bookings if not b.released]


async def refused(world: World, use_case: Any, command: Any) -> DomainError:
    with pytest.raises(DomainError) as failure:
        await run(world, use_case, command)
    return failure.value


@pytest.mark.asyncio
async def test_a_reschedule_card_holds_one_slot_each_and_the_same_card_gets_the_same_holds() -> None:
    world = World()
    await booked(world)
    slots = [slot(1), slot(2), slot(3)]
    holds = await run(world, hold_slots, hold("ord_1", "crd_1", *slots))
    assert [(h.card_id, h.slot_index, (h.slot.start_utc, h.slot.end_utc)) for h in holds] == [
        ("crd_1", i, s) for i, s in enumerate(slots)
    ]
    (placed,) = world.published
    assert isinstance(placed, HoldsPlaced) and placed.actor == "u_b"
    (entry,) = world.timeline
    assert (entry.kind, entry.subtype) == ("calendar", "calendar.holds_placed")
    assert entry.payload["cardId"] == "crd_1"
    assert [s["slotIndex"] for s in entry.payload["slots"]] == [0, 1, 2]

    again = await run(world, hold_slots, hold("ord_1", "crd_1", *slots))
    assert [h.hold_id for h in again] == [h.hold_id for h in holds]
    assert len(world.holds) == 3 and len(world.timeline) == 1
    # The same card proposing other slots is a caller's mistake, not a new card.
    mismatch = await refused(world, hold_slots, hold("ord_1", "crd_1", slot(4)))
    assert mismatch.code is ErrorCode.IDEMPOTENCY_MISMATCH


@pytest.mark.asyncio
async def test_a_slot_on_another_orders_confirmed_event_is_taken_but_the_orders_own_is_not() -> None:
    world = World()
    await booked(world, "ord_1")
    await booked(world, "ord_2", start=START + timedelta(days=1))
    taken = await refused(world, hold_slots, hold("ord_1", "crd_1", slot(2), slot(1, hours=1)))
    assert (taken.code, taken.reason, taken.metadata) == (
        ErrorCode.FAILED_PRECONDITION,
        "SLOT_TAKEN",
        {"slotIndex": "1"},
    )
    assert world.holds == []
    # An hour later than its own booking: it overlaps only itself.
    holds = await run(world, hold_slots, hold("ord_1", "crd_1", slot(0, hours=1)))
    assert len(holds) == 1


@pytest.mark.asyncio
async def test_holds_need_a_live_booking_good_slots_and_the_cards_engine() -> None:
    world = World()
    await booked(world)
    denied = await refused(world, hold_slots, hold("ord_1", "crd_1", slot(1), caller=GATEWAY))
    assert denied.code is ErrorCode.PERMISSION_DENIED
    bad = await refused(
        world,
        hold_slots,
        HoldSlots(caller=CARDS, order_id="", card_id="x" * 65, slots=[(START, None), (START + HOURS, START)]),
    )
    assert {v.field for v in bad.violations} == {"order_id", "card_id", "slots[0].end_utc", "slots[1].end_utc"}
    too_many = await refused(world, hold_slots, hold("ord_1", "crd_1", *[slot(d) for d in range(1, 7)]))
    assert [v.field for v in too_many.violations] == ["slots"]
    unfit = await refused(
        world, hold_slots, hold("ord_1", "crd_1", (NOW - HOURS, NOW), (START + HOURS, START + 4 * HOURS))
    )
    assert {v.field for v in unfit.violations} == {"slots[0].start_utc", "slots[1].end_utc"}
    missing = await refused(world, hold_slots, hold("ord_9", "crd_1", slot(1)))
    assert missing.code is ErrorCode.NOT_FOUND
    assert world.holds == [] and world.published == []

    order = world.orders["ord_1"]
    order.state = OrderState.COMPLETED
    finished = await refused(world, hold_slots, hold("ord_1", "crd_1", slot(1)))
    assert (finished.reason, finished.metadata) == ("INVALID_TRANSITION", {"state": "COMPLETED"})


@pytest.mark.asyncio
async def test_applying_a_confirmed_orders_reschedule_moves_its_event_its_times_and_its_version() -> None:
    world = World()
    order = await booked(world)
    slots = [slot(1), slot(2), slot(3)]
    await run(world, hold_slots, hold("ord_1", "crd_1", *slots))
    world.timeline.clear()
    world.published.clear()

    moved = await run(world, apply_reschedule, apply("ord_1", "crd_1", 1, version=2))
    assert (moved.state, moved.version) == (OrderState.CONFIRMED, 3)
    assert (moved.start_utc, moved.end_utc) == slots[1]
    assert active_bookings(world) == [("ord_1", slots[1][0])]
    assert [(h.slot_index, h.released_at is not None, h.converted_at is not None) for h in world.holds] == [
        (0, True, False),
        (1, False, True),
        (2, True, False),
    ]
    assert [type(e) for e in world.published] == [SlotReleased, SlotBooked, HoldsReleased, OrderRescheduled]
    assert subtypes(world) == [
        "calendar.event_released",
        "calendar.event_confirmed",
        "calendar.holds_released",
        "order.rescheduled",
    ]
    rescheduled = world.timeline[-1]
    assert rescheduled.kind == "card"
    assert rescheduled.payload == {
        "cardId": "crd_1",
        "slotIndex": 1,
        "from": {"startUtc": START.isoformat(), "endUtc": (START + HOURS).isoformat()},
        "to": {"startUtc": slots[1][0].isoformat(), "endUtc": slots[1][1].isoformat()},
    }
    assert [h["slotIndex"] for h in world.timeline[2].payload["holds"]] == [0, 2]

    # The card's choice applied again (say, the engine retried) changes nothing, whatever the version.
    again = await run(world, apply_reschedule, apply("ord_1", "crd_1", 1, version=2))
    assert again is order and again.version == 3 and len(world.timeline) == 4
    # Another slot of the same card was released: it cannot be chosen now.
    gone = await refused(world, apply_reschedule, apply("ord_1", "crd_1", 2))
    assert (gone.code, gone.reason) == (ErrorCode.FAILED_PRECONDITION, "HOLD_RELEASED")


@pytest.mark.asyncio
async def test_a_session_under_way_is_confirmed_again_and_starts_at_its_new_time() -> None:
    world = World()
    await in_progress(world)
    later = slot(3)
    world.now += timedelta(minutes=30)  # rained out half an hour in
    await run(world, hold_slots, hold("ord_1", "crd_1", later))
    moved = await run(world, apply_reschedule, apply("ord_1", "crd_1", 0))
    assert (moved.state, moved.start_utc) == (OrderState.CONFIRMED, later[0])
    assert [type(e) for e in world.published][-2:] == [OrderRescheduled, OrderConfirmed]
    confirmed = world.published[-1]
    assert isinstance(confirmed, OrderConfirmed) and confirmed.from_state is OrderState.IN_PROGRESS
    assert subtypes(world)[-2:] == ["order.rescheduled", "order.confirmed"]

    # The start sweeper goes by the new start: nothing to start now, the session starts then.
    assert await start_due_orders(lambda: MemoryOrdersUnitOfWork(world)) == 0
    world.now = later[0]
    assert await start_due_orders(lambda: MemoryOrdersUnitOfWork(world)) == 1
    assert world.orders["ord_1"].state is OrderState.IN_PROGRESS
    assert isinstance(world.published[-1], OrderStarted)


@pytest.mark.asyncio
async def test_an_authorized_order_only_moves_its_times_its_event_is_made_at_confirmation() -> None:
    world = World()
    await booked(world, confirm=False)
    await run(world, hold_slots, hold("ord_1", "crd_1", slot(1), slot(2)))
    moved = await run(world, apply_reschedule, apply("ord_1", "crd_1", 0, version=1))
    assert (moved.state, moved.version, moved.start_utc) == (OrderState.AUTHORIZED, 2, slot(1)[0])
    assert world.bookings == []
    assert [type(e) for e in world.published][1:] == [HoldsReleased, OrderRescheduled]
    standing = ProviderStanding(PROVIDER.user_id, "active")
    await run(
        world, confirm_order, ConfirmOrder(caller=PROVIDER, order_id="ord_1", expected_version=2, provider=standing)
    )
    assert active_bookings(world) == [("ord_1", slot(1)[0])]


@pytest.mark.asyncio
async def test_a_reschedule_is_refused_when_stale_taken_unknown_or_not_the_engines() -> None:
    world = World()
    await booked(world, "ord_1")
    await booked(world, "ord_2", start=START + timedelta(days=5))
    await run(world, hold_slots, hold("ord_1", "crd_1", slot(1), slot(2)))
    stale = await refused(world, apply_reschedule, apply("ord_1", "crd_1", 0, version=1))
    assert stale.code is ErrorCode.CONFLICT
    unknown = await refused(world, apply_reschedule, apply("ord_1", "crd_1", 4))
    assert [v.field for v in unknown.violations] == ["slot_index"]
    bad = await refused(world, apply_reschedule, apply("", "", -1, version=-1))
    assert {v.field for v in bad.violations} == {"order_id", "card_id", "slot_index", "expected_version"}
    no_card = await refused(world, apply_reschedule, apply("ord_1", "crd_9", 0))
    assert no_card.code is ErrorCode.NOT_FOUND
    denied = await refused(world, apply_reschedule, apply("ord_1", "crd_1", 0, caller=SUPPORT))
    assert denied.code is ErrorCode.PERMISSION_DENIED
    assert world.orders["ord_1"].version == 2 and all(h.held for h in world.holds)

    # Another booking took the slot after it was held: the constraint refuses the double booking.
    await run(world, hold_slots, hold("ord_2", "crd_2", slot(1)))
    await run(world, apply_reschedule, apply("ord_2", "crd_2", 0))
    taken = await refused(world, apply_reschedule, apply("ord_1", "crd_1", 0))
    assert (taken.reason, taken.metadata) == ("SLOT_TAKEN", {"slotIndex": "0"})


@pytest.mark.asyncio
async def test_releasing_a_cards_holds_releases_them_once() -> None:
    world = World()
    await booked(world)
    await run(world, hold_slots, hold("ord_1", "crd_1", slot(1), slot(2)))
    await run(world, hold_slots, hold("ord_1", "crd_2", slot(3)))
    world.timeline.clear()
    request = orders_pb2.ReleaseHoldsRequest(request_id="rel-1", order_id="ord_1", card_id="crd_1")

    async def release(request: orders_pb2.ReleaseHoldsRequest) -> int:
        with acting_as(CARDS):
            response = await execute(
                release_holds,
                ReleaseHolds(caller=CARDS, order_id=request.order_id, card_id=request.card_id),
                uow=MemoryOrdersUnitOfWork(world),
                request=request,
                respond=lambda released: orders_pb2.ReleaseHoldsResponse(released=released),
            )
        return response.released

    assert await release(request) == 2
    assert await release(request) == 2  # the same key replays its answer
    assert await release(orders_pb2.ReleaseHoldsRequest(request_id="rel-2", order_id="ord_1", card_id="crd_1")) == 0
    assert [h.held for h in world.holds] == [False, False, True]
    assert subtypes(world) == ["calendar.holds_released"]
    denied = await refused(world, release_holds, ReleaseHolds(caller=GATEWAY, order_id="ord_1", card_id="crd_2"))
    assert denied.code is ErrorCode.PERMISSION_DENIED


@pytest.mark.asyncio
async def test_a_cancellation_releases_every_hold_of_the_order() -> None:
    world = World()
    await booked(world)
    await run(world, hold_slots, hold("ord_1", "crd_1", slot(1), slot(2)))
    await run(world, hold_slots, hold("ord_1", "crd_2", slot(3)))
    world.timeline.clear()
    await run(world, cancel_order, CancelOrder(caller=BUYER, order_id="ord_1", expected_version=2, reason=""))
    assert not any(h.held for h in world.holds) and active_bookings(world) == []
    assert subtypes(world) == ["calendar.event_released", "order.cancelled", "calendar.holds_released"]
    assert [(h["cardId"], h["slotIndex"]) for h in world.timeline[-1].payload["holds"]] == [
        ("crd_1", 0),
        ("crd_1", 1),
        ("crd_2", 0),
    ]


@pytest.mark.asyncio
async def test_completing_a_session_opens_the_reviews_window_for_fourteen_days() -> None:
    world = World()
    await in_progress(world)
    early = await booked(world, "ord_2", start=START + timedelta(days=3))
    refused_early = await refused(
        world, complete_order, CompleteOrder(caller=CARDS, order_id=early.order_id, card_id="c")
    )
    assert (refused_early.reason, refused_early.metadata) == ("INVALID_TRANSITION", {"state": "CONFIRMED"})

    done = await run(world, complete_order, CompleteOrder(caller=CARDS, order_id="ord_1", card_id="crd_c"))
    assert (done.state, done.version) == (OrderState.COMPLETED, 4)
    completed, window = world.published
    assert isinstance(completed, OrderCompleted) and completed.card_id == "crd_c"
    assert isinstance(window, ReviewsWindowOpened) and window.closes_at == world.now + timedelta(days=14)
    assert subtypes(world) == ["order.completed", "reviews.window.opened"]
    assert world.timeline[-1].payload == {"closesAt": (world.now + timedelta(days=14)).isoformat()}
    message = encode_event(done, window)
    assert isinstance(message, events_pb2.ReviewsWindowOpened)
    assert (message.order_id, message.closes_at) == ("ord_1", timestamp(world.now + timedelta(days=14)))

    twice = await refused(world, complete_order, CompleteOrder(caller=CARDS, order_id="ord_1", card_id="crd_c"))
    assert twice.reason == "INVALID_TRANSITION"
    denied = await refused(world, complete_order, CompleteOrder(caller=SUPPORT, order_id="ord_1", card_id="crd_c"))
    assert denied.code is ErrorCode.PERMISSION_DENIED
    bad = await refused(world, complete_order, CompleteOrder(caller=CARDS, order_id="ord_1", card_id=""))
    assert [v.field for v in bad.violations] == ["card_id"]


@pytest.mark.asyncio
async def test_a_dispute_opens_only_within_seven_days_after_the_end_and_support_resolves_it() -> None:
    world = World()
    order = await in_progress(world)
    await run(world, complete_order, CompleteOrder(caller=CARDS, order_id="ord_1", card_id="crd_c"))
    world.now = order.end_utc + timedelta(days=7)  # the last moment of the window
    disputed = await run(world, dispute_order, DisputeOrder(caller=CARDS, order_id="ord_1", card_id="crd_d"))
    assert disputed.state is OrderState.DISPUTED
    assert isinstance(world.published[-1], OrderDisputed) and world.timeline[-1].payload == {"cardId": "crd_d"}
    # While disputed nothing else moves it but support.
    again = await refused(world, complete_order, CompleteOrder(caller=CARDS, order_id="ord_1", card_id="crd_c"))
    assert again.reason == "INVALID_TRANSITION"
    not_support = await refused(world, resolve_dispute, ResolveDispute(caller=CARDS, order_id="ord_1"))
    assert not_support.code is ErrorCode.PERMISSION_DENIED

    resolved = await run(world, resolve_dispute, ResolveDispute(caller=SUPPORT, order_id="ord_1"))
    assert resolved.state is OrderState.COMPLETED
    completed = world.published[-1]
    assert isinstance(completed, OrderCompleted) and completed.from_state is OrderState.DISPUTED
    assert world.timeline[-1].payload == {"disputeResolved": True}
    # The reviews window opened when the work was completed; a resolution does not open it again.
    assert sum(isinstance(e, ReviewsWindowOpened) for e in world.published) == 1
    twice = await refused(world, resolve_dispute, ResolveDispute(caller=SUPPORT, order_id="ord_1"))
    assert twice.reason == "INVALID_TRANSITION"

    world.now += timedelta(seconds=1)  # past the window
    late = await refused(world, dispute_order, DisputeOrder(caller=CARDS, order_id="ord_1", card_id="crd_e"))
    assert (late.code, late.reason) == (ErrorCode.FAILED_PRECONDITION, "DISPUTE_WINDOW_CLOSED")
    assert late.metadata == {"closedAt": (order.end_utc + timedelta(days=7)).isoformat()}
    confirmed = await booked(world, "ord_2", start=START + timedelta(days=30))
    early = await refused(world, dispute_order, DisputeOrder(caller=CARDS, order_id=confirmed.order_id, card_id="d"))
    assert (early.reason, early.metadata) == ("INVALID_TRANSITION", {"state": "CONFIRMED"})


def payout_paid(order_id: str, at: datetime) -> tuple[payment_events.PayoutPaid, EventEnvelope]:
    event = payment_events.PayoutPaid(payout_id="pot_1")
    event.amount.amount_cents, event.amount.currency, event.payment.id = 30_000, "USD", "pay_1"
    envelope = EventEnvelope(event_id="evt_p", type="payout.paid", subject=order_id, subject_seq=5)
    envelope.occurred_at.CopyFrom(timestamp(at))
    return event, envelope


async def closes(world: World) -> Sequence[str]:
    before = {o.order_id for o in world.orders.values() if o.state is OrderState.CLOSED}
    await close_due_orders(lambda: MemoryOrdersUnitOfWork(world))
    return sorted(
        o.order_id for o in world.orders.values() if o.state is OrderState.CLOSED and o.order_id not in before
    )


@pytest.mark.asyncio
async def test_a_completed_order_closes_once_paid_out_and_past_its_dispute_window() -> None:
    world = World()
    order = await in_progress(world)
    await run(world, complete_order, CompleteOrder(caller=CARDS, order_id="ord_1", card_id="crd_c"))
    assert await closes(world) == []

    world.now += timedelta(days=4)
    event, envelope = payout_paid("ord_1", world.now)
    async with MemoryOrdersUnitOfWork(world) as uow:
        await record_payment_event(uow, event, envelope)
        await uow.commit()
    assert order.payout_paid_at == world.now and subtypes(world)[-1] == "payout.paid"
    assert await closes(world) == []  # paid, but a dispute may still be opened

    world.now = order.end_utc + timedelta(days=7, seconds=1)
    assert await closes(world) == ["ord_1"]
    closed = world.published[-1]
    assert isinstance(closed, OrderClosed) and closed.actor == "" and closed.from_state is OrderState.COMPLETED
    assert subtypes(world)[-1] == "order.closed"


@pytest.mark.asyncio
async def test_an_unpaid_or_disputed_order_stays_open_past_the_window() -> None:
    world = World()
    unpaid = await in_progress(world, "ord_1")
    await run(world, complete_order, CompleteOrder(caller=CARDS, order_id="ord_1", card_id="crd_c"))
    disputed = await booked(world, "ord_2", start=START + timedelta(days=1))
    world.now = disputed.start_utc
    await start_due_orders(lambda: MemoryOrdersUnitOfWork(world))
    await run(world, dispute_order, DisputeOrder(caller=CARDS, order_id="ord_2", card_id="crd_d"))
    event, envelope = payout_paid("ord_2", world.now)
    async with MemoryOrdersUnitOfWork(world) as uow:
        await record_payment_event(uow, event, envelope)
        await uow.commit()
    world.now = unpaid.end_utc + timedelta(days=30)
    assert await closes(world) == []
    assert (world.orders["ord_1"].state, disputed.state) == (OrderState.COMPLETED, OrderState.DISPUTED)


def test_a_reschedule_leaves_the_service_as_its_own_typed_event() -> None:
    order = Order.open(
        actor="u_b",
        order_id="ord_1",
        quote_id="qte_1",
        buyer_id="u_b",
        provider_id="u_p",
        role_code="photographer",
        start_utc=START,
        end_utc=START + HOURS,
        timezone="UTC",
        location={"country": "DE"},
        price_snapshot={},
        policy_snapshot=dict(POLICY),
        created_at=NOW,
    )
    order.start_utc, order.end_utc, order.state = slot(1)[0], slot(1)[1], OrderState.CONFIRMED
    rescheduled = OrderRescheduled(
        actor="u_b",
        occurred_at=NOW,
        card_id="crd_1",
        slot_index=0,
        from_state=OrderState.IN_PROGRESS,
        from_slot=Slot(START, START + HOURS),
        to_slot=order.slot,
    )
    message = encode_event(order, rescheduled)
    assert isinstance(message, events_pb2.OrderRescheduled)
    assert (message.card_id, message.slot_index, message.from_state) == ("crd_1", 0, orders_pb2.ORDER_STATE_IN_PROGRESS)
    assert (message.from_start_utc, message.order.start_utc) == (timestamp(START), timestamp(slot(1)[0]))
    assert message.order.state == orders_pb2.ORDER_STATE_CONFIRMED
    # Calendar facts stay on the timeline.
    assert encode_event(order, HoldsPlaced(actor="", occurred_at=NOW, card_id="crd_1", slots=())) is None
