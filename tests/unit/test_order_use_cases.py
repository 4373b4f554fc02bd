"""The orders use cases on an in-memory unit of work: the rules, their events, the sagas they start."""

from __future__ import annotations

from datetime import timedelta

import pytest
from memory import NOW, MemoryOrdersUnitOfWork, World

from callsheet.events.v1.envelope_pb2 import EventEnvelope
from callsheet.payments.v1 import events_pb2 as payment_events
from callsheet_kit.consumer import RetryLater
from callsheet_kit.errors import DomainError, ErrorCode
from callsheet_kit.identity import Caller
from services.orders.domain.lifecycle import OrderState, Party
from services.orders.domain.order import (
    Order,
    OrderCancelled,
    OrderConfirmed,
    OrderStarted,
    SlotBooked,
    SlotReleased,
)
from services.orders.usecases.cancel_order import SETTLE_CANCELLATION, CancelOrder, cancel_order
from services.orders.usecases.confirm_order import CAPTURE_PAYMENT, ConfirmOrder, ProviderStanding, confirm_order
from services.orders.usecases.record_payment_event import record_payment_event
from services.orders.usecases.start_due_orders import start_due_orders

BUYER, PROVIDER, STRANGER = Caller(user_id="u_b"), Caller(user_id="u_p"), Caller(user_id="u_x")
START = NOW + timedelta(days=10)


def authorized_order(world: World, order_id: str = "ord_1", start: object = START) -> Order:
    order = Order.open(
        actor=BUYER.user_id,
        order_id=order_id,
        quote_id=f"qte_{order_id}",
        buyer_id=BUYER.user_id,
        provider_id=PROVIDER.user_id,
        role_code="photographer",
        start_utc=start,
        end_utc=start + timedelta(hours=2),  # type: ignore[operator]
        timezone="Europe/Berlin",
        location={"country": "DE"},
        price_snapshot={"totalCents": 100},
        policy_snapshot={},
        created_at=world.now,
    )
    order.authorize(payment_id="pay_1", authorized_cents=100, actor=BUYER.user_id, now=world.now)
    order.pull_events()
    world.orders[order.order_id] = order
    return order


async def confirm(
    world: World, caller: Caller = PROVIDER, *, version: int = 1, order_id: str = "ord_1", account: str = "active"
) -> Order:
    standing = ProviderStanding(PROVIDER.user_id, account)
    command = ConfirmOrder(caller=caller, order_id=order_id, expected_version=version, provider=standing)
    async with MemoryOrdersUnitOfWork(world) as uow:
        order = await confirm_order(uow, command)
        await uow.commit()
        return order


@pytest.mark.asyncio
async def test_the_provider_confirms_books_the_slot_and_starts_one_capture() -> None:
    world = World()
    authorized_order(world)
    order = await confirm(world)
    assert (order.state, order.version) == (OrderState.CONFIRMED, 2)
    assert [type(e) for e in world.published] == [SlotBooked, OrderConfirmed]
    assert [(b.order_id, b.released) for b in world.bookings] == [("ord_1", False)]
    assert [(s.kind, s.key, s.subject) for s in world.sagas] == [(CAPTURE_PAYMENT, "ord_1", "ord_1")]
    assert [e.subtype for e in world.timeline] == ["calendar.event_confirmed", "order.confirmed"]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("caller", "version", "code"),
    [
        (BUYER, 1, ErrorCode.PERMISSION_DENIED),
        (STRANGER, 1, ErrorCode.NOT_FOUND),
        (PROVIDER, 7, ErrorCode.CONFLICT),
    ],
)
async def test_a_confirmation_by_the_wrong_person_or_version_changes_nothing(
    caller: Caller, version: int, code: ErrorCode
) -> None:
    world = World()
    authorized_order(world)
    with pytest.raises(DomainError) as refused:
        await confirm(world, caller, version=version)
    assert refused.value.code is code
    assert world.published == [] and world.sagas == [] and world.bookings == []


@pytest.mark.asyncio
@pytest.mark.parametrize("account", ["pending", "restricted"])
async def test_a_provider_whose_payout_account_is_not_active_cannot_confirm(account: str) -> None:
    world = World()
    authorized_order(world)
    with pytest.raises(DomainError) as refused:
        await confirm(world, account=account)
    assert (refused.value.code, refused.value.reason) == (ErrorCode.FAILED_PRECONDITION, "PROVIDER_NOT_ACTIVE")
    assert refused.value.metadata == {"accountStatus": account}
    assert world.published == [] and world.sagas == [] and world.bookings == []


@pytest.mark.asyncio
async def test_an_overlapping_confirmation_is_slot_taken() -> None:
    world = World()
    authorized_order(world, "ord_1")
    authorized_order(world, "ord_2", START + timedelta(hours=1))
    await confirm(world, order_id="ord_1")
    with pytest.raises(DomainError) as taken:
        await confirm(world, order_id="ord_2")
    assert taken.value.reason == "SLOT_TAKEN"


@pytest.mark.asyncio
async def test_a_cancellation_releases_the_slot_and_settles_at_the_moment_of_cancelling() -> None:
    world = World()
    authorized_order(world)
    await confirm(world)
    world.published.clear()
    async with MemoryOrdersUnitOfWork(world) as uow:
        order = await cancel_order(
            uow, CancelOrder(caller=BUYER, order_id="ord_1", expected_version=2, reason="plans changed")
        )
        await uow.commit()
    assert order.state is OrderState.CANCELLED
    assert [type(e) for e in world.published] == [SlotReleased, OrderCancelled]
    cancelled = world.published[-1]
    assert isinstance(cancelled, OrderCancelled) and cancelled.cancelled_by is Party.BUYER
    assert world.bookings[0].released
    settlement = world.sagas[-1]
    assert (settlement.kind, settlement.key) == (SETTLE_CANCELLATION, "ord_1")
    assert settlement.data == {
        "cancelledBy": "buyer",
        "cancelledAt": NOW.isoformat(),
        "startUtc": START.isoformat(),
    }
    with pytest.raises(DomainError) as again:
        async with MemoryOrdersUnitOfWork(world) as uow:
            await cancel_order(uow, CancelOrder(caller=BUYER, order_id="ord_1", expected_version=3, reason=""))
    assert (again.value.code, again.value.reason) == (ErrorCode.FAILED_PRECONDITION, "INVALID_TRANSITION")


@pytest.mark.asyncio
async def test_the_system_starts_confirmed_orders_when_their_time_comes() -> None:
    world = World()
    authorized_order(world, "ord_1")
    authorized_order(world, "ord_2", START + timedelta(days=1))
    await confirm(world, order_id="ord_1")
    await confirm(world, order_id="ord_2")
    world.published.clear()
    world.now = START
    assert await start_due_orders(lambda: MemoryOrdersUnitOfWork(world)) == 1
    assert world.orders["ord_1"].state is OrderState.IN_PROGRESS
    assert world.orders["ord_2"].state is OrderState.CONFIRMED
    (started,) = world.published
    assert isinstance(started, OrderStarted) and started.actor == ""


def payment_event(order_id: str, event_type: str = "payment.authorized") -> tuple[object, EventEnvelope]:
    event = payment_events.PaymentAuthorized()
    event.amount.amount_cents, event.amount.currency, event.payment.id = 100, "USD", "pay_1"
    return event, EventEnvelope(event_id="evt_1", type=event_type, subject=order_id, subject_seq=1)


@pytest.mark.asyncio
async def test_a_payment_event_before_its_order_waits_while_the_checkout_runs_and_is_dropped_after() -> None:
    world = World()
    event, envelope = payment_event("ord_9")
    async with MemoryOrdersUnitOfWork(world) as uow:
        await uow.start_saga(
            kind="checkout", key="k", subject="ord_9", step="authorize", data={}, deadline=NOW + timedelta(minutes=5)
        )
        with pytest.raises(RetryLater):
            await record_payment_event(uow, event, envelope)
    world.sagas[0].status = world.sagas[0].status.FAILED
    async with MemoryOrdersUnitOfWork(world) as uow:
        await record_payment_event(uow, event, envelope)
    assert world.timeline == []

    authorized_order(world, "ord_9")
    async with MemoryOrdersUnitOfWork(world) as uow:
        await record_payment_event(uow, event, envelope)
    (entry,) = world.timeline
    assert (entry.kind, entry.subtype, entry.payload["amountCents"]) == ("payment", "payment.authorized", 100)
