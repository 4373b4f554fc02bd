"""The commands the cards engine and support give orders, through the running system.

The cards service holds a RESCHEDULE card's slots, applies the chosen one (or releases them),
completes and disputes orders; support resolves disputes; orders closes a completed order once
its payout is paid and its dispute window has passed. Each is called over gRPC with the caller's
own credential, as those services will; the effects are read back through the gateway (the
order and its timeline) and from orders' own schema (holds, calendar events, published events).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import psycopg
import pytest
from saga_tools import BUYER, PROVIDER, advance_clock, checkout, key, quote, wait_for
from system_client import CANCEL, CONFIRM, QUOTE, System, quote_input, rpc, rpc_all_at_once
from test_cancellation_money import service_now

from callsheet.events.v1.envelope_pb2 import EventEnvelope
from callsheet.orders.v1 import events_pb2, orders_pb2, orders_pb2_grpc
from callsheet.payments.v1 import payments_pb2, payments_pb2_grpc
from callsheet_kit.errors import DomainError, ErrorCode
from callsheet_kit.proto import datetime_of, timestamp

Stub = orders_pb2_grpc.OrdersServiceStub
HOURS = timedelta(hours=2)
VIEW = """query($id: ID!) { order(id: $id) { id state version startUtc endUtc
  timeline(first: 100) { edges { node { kind subtype actorUserId payload } } } } }"""


def utc(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def command(system: System, method: str, request: Any, *, caller: str = "cards", user: str = BUYER) -> Any:
    """An OrdersService command as ``caller`` would send it, acting for ``user``."""
    return rpc(system, "orders", Stub, method, request, caller=caller, user=user)


def refusal(system: System, method: str, request: Any, *, caller: str = "cards", user: str = BUYER) -> DomainError:
    with pytest.raises(DomainError) as refused:
        command(system, method, request, caller=caller, user=user)
    return refused.value


def view(system: System, order_id: str) -> dict[str, Any]:
    found: dict[str, Any] = system.gql(BUYER, VIEW, {"id": order_id})["order"]
    return found


def lifecycle(order: dict[str, Any]) -> list[str]:
    """The order's own and calendar entries, oldest first (money events land among them as they come)."""
    subtypes = [edge["node"]["subtype"] for edge in order["timeline"]["edges"]]
    return [s for s in subtypes if s.startswith(("order.", "calendar.", "reviews."))]


def entry(order: dict[str, Any], subtype: str) -> dict[str, Any]:
    [found] = [edge["node"] for edge in order["timeline"]["edges"] if edge["node"]["subtype"] == subtype]
    return found


def confirmed(system: System) -> dict[str, Any]:
    """A confirmed booking of a fresh slot (2 hours, 09:00 UTC on a day no other test books)."""
    order = checkout(system, quote(system)["id"], key())
    system.gql(PROVIDER, CONFIRM, {"i": {"orderId": order["id"], "expectedVersion": 1, "idempotencyKey": key()}})
    return view(system, order["id"])


def booked_soon(system: System, start: datetime) -> str:
    """A confirmed and captured booking of two hours from ``start`` (by the service clock)."""
    quoted = system.gql(BUYER, QUOTE, {"i": quote_input(utc(start), utc(start + HOURS))})["createQuote"]
    order = checkout(system, quoted["id"], key())
    system.gql(PROVIDER, CONFIRM, {"i": {"orderId": order["id"], "expectedVersion": 1, "idempotencyKey": key()}})
    wait_for(
        lambda: [edge["node"]["subtype"] for edge in view(system, order["id"])["timeline"]["edges"]],
        lambda subtypes: "payment.captured" in subtypes,
        what="the capture",
    )
    return str(order["id"])


def slots(*starts: datetime) -> list[orders_pb2.Slot]:
    return [orders_pb2.Slot(start_utc=timestamp(s), end_utc=timestamp(s + HOURS)) for s in starts]


def hold(system: System, order_id: str, card_id: str, *starts: datetime) -> Any:
    request = orders_pb2.HoldSlotsRequest(request_id=key(), order_id=order_id, card_id=card_id, slots=slots(*starts))
    return command(system, "HoldSlots", request)


def apply(order_id: str, card_id: str, index: int, version: int = 0) -> orders_pb2.ApplyRescheduleRequest:
    return orders_pb2.ApplyRescheduleRequest(
        request_id=key(), order_id=order_id, card_id=card_id, slot_index=index, expected_version=version
    )


def holds_of(system: System, order_id: str) -> list[tuple[str, int, str]]:
    """(card, slot index, held | released | converted) of every hold of the order."""
    with psycopg.connect(system.stack.service_urls["orders"]) as conn:
        rows = conn.execute(
            "SELECT card_id, slot_index, CASE WHEN converted_at IS NOT NULL THEN 'converted'"
            " WHEN released_at IS NOT NULL THEN 'released' ELSE 'held' END"
            " FROM ord.calendar_hold WHERE order_id = %s ORDER BY card_id, slot_index",
            (order_id,),
        ).fetchall()
    return [(str(card), int(index), str(status)) for card, index, status in rows]


def calendar_of(system: System, order_id: str) -> list[tuple[datetime, bool]]:
    """(start, still booked) of every confirmed event the order had, oldest first."""
    with psycopg.connect(system.stack.service_urls["orders"]) as conn:
        rows = conn.execute(
            "SELECT lower(during), released_at IS NULL FROM ord.calendar_event WHERE order_id = %s"
            " ORDER BY created_at, released_at NULLS LAST",
            (order_id,),
        ).fetchall()
    return [(start, bool(active)) for start, active in rows]


def published(system: System, order_id: str, event_type: str) -> list[EventEnvelope]:
    """The events of a type orders emitted about the order, read from its outbox."""
    with psycopg.connect(system.stack.service_urls["orders"]) as conn:
        rows = conn.execute(
            "SELECT envelope FROM ord.outbox WHERE subject LIKE %s ORDER BY seq", (f"%.orders.{event_type}",)
        ).fetchall()
    envelopes = []
    for (data,) in rows:
        envelope = EventEnvelope()
        envelope.ParseFromString(bytes(data))
        if envelope.subject == order_id:
            envelopes.append(envelope)
    return envelopes


def test_an_accepted_reschedule_moves_the_order_its_event_and_its_version_and_releases_the_other_holds(
    system: System,
) -> None:
    order = confirmed(system)
    start = instant(order["startUtc"])
    # Later the same day: no other booking of the provider is there.
    proposed = [start + timedelta(hours=4), start + timedelta(hours=7), start + timedelta(hours=10)]
    request = orders_pb2.HoldSlotsRequest(
        request_id=key(), order_id=order["id"], card_id="crd_move", slots=slots(*proposed)
    )
    held = command(system, "HoldSlots", request)
    assert [(h.card_id, h.slot_index, datetime_of(h.start_utc)) for h in held.holds] == [
        ("crd_move", index, moment) for index, moment in enumerate(proposed)
    ]
    # The same request, or the same card under another key, gets the same holds.
    assert command(system, "HoldSlots", request) == held
    request.request_id = key()
    assert [h.id for h in command(system, "HoldSlots", request).holds] == [h.id for h in held.holds]

    moved = command(system, "ApplyReschedule", apply(order["id"], "crd_move", 1, version=order["version"])).order
    assert (moved.state, moved.version) == (orders_pb2.ORDER_STATE_CONFIRMED, order["version"] + 1)
    assert (datetime_of(moved.start_utc), datetime_of(moved.end_utc)) == (proposed[1], proposed[1] + HOURS)

    seen = view(system, order["id"])
    assert (instant(seen["startUtc"]), instant(seen["endUtc"])) == (proposed[1], proposed[1] + HOURS)
    assert seen["version"] == order["version"] + 1
    assert holds_of(system, order["id"]) == [
        ("crd_move", 0, "released"),
        ("crd_move", 1, "converted"),
        ("crd_move", 2, "released"),
    ]
    assert calendar_of(system, order["id"]) == [(start, False), (proposed[1], True)]
    assert lifecycle(seen) == [
        "order.created",
        "order.authorized",
        "calendar.event_confirmed",
        "order.confirmed",
        "calendar.holds_placed",
        "calendar.event_released",
        "calendar.event_confirmed",
        "calendar.holds_released",
        "order.rescheduled",
    ]
    rescheduled = entry(seen, "order.rescheduled")
    assert (rescheduled["kind"], rescheduled["actorUserId"]) == ("card", BUYER)
    assert rescheduled["payload"]["cardId"] == "crd_move" and rescheduled["payload"]["slotIndex"] == 1
    assert instant(rescheduled["payload"]["from"]["startUtc"]) == start
    assert instant(rescheduled["payload"]["to"]["startUtc"]) == proposed[1]
    released = entry(seen, "calendar.holds_released")["payload"]["holds"]
    assert [h["slotIndex"] for h in released] == [0, 2]

    [event] = published(system, order["id"], "order.rescheduled")
    message = events_pb2.OrderRescheduled()
    event.data.Unpack(message)
    assert (message.card_id, message.slot_index, message.order.version) == ("crd_move", 1, moved.version)
    assert datetime_of(message.from_start_utc) == start and message.from_state == orders_pb2.ORDER_STATE_CONFIRMED

    # Applied again (the engine retrying), nothing moves; a released hold cannot be chosen.
    again = command(system, "ApplyReschedule", apply(order["id"], "crd_move", 1)).order
    assert again.version == moved.version
    gone = refusal(system, "ApplyReschedule", apply(order["id"], "crd_move", 2))
    assert (gone.code, gone.reason) == (ErrorCode.FAILED_PRECONDITION, "HOLD_RELEASED")
    stale = refusal(system, "ApplyReschedule", apply(order["id"], "crd_move", 0, version=order["version"]))
    assert stale.code is ErrorCode.CONFLICT
    assert view(system, order["id"])["version"] == moved.version


def test_two_reschedules_racing_for_one_slot_of_a_provider_book_it_once(system: System) -> None:
    first, second = confirmed(system), confirmed(system)
    wanted = instant(first["startUtc"]) + timedelta(hours=4)
    for order in (first, second):
        hold(system, order["id"], f"crd_race_{order['id']}", wanted)

    answers = rpc_all_at_once(
        system,
        "orders",
        Stub,
        "ApplyReschedule",
        [apply(order["id"], f"crd_race_{order['id']}", 0) for order in (first, second)],
        caller="cards",
    )
    won = [a for a in answers if not isinstance(a, BaseException)]
    lost = [a for a in answers if isinstance(a, BaseException)]
    assert len(won) == 1 and len(lost) == 1, answers
    assert isinstance(lost[0], DomainError)
    assert (lost[0].code, lost[0].reason, lost[0].metadata) == (
        ErrorCode.FAILED_PRECONDITION,
        "SLOT_TAKEN",
        {"slotIndex": "0"},
    )
    winner = won[0].order
    loser = second if winner.id == first["id"] else first
    assert datetime_of(winner.start_utc) == wanted
    # The loser changed nothing: its time, version, booking and hold are as they were.
    after = view(system, loser["id"])
    assert (after["startUtc"], after["version"]) == (loser["startUtc"], loser["version"])
    assert calendar_of(system, loser["id"]) == [(instant(loser["startUtc"]), True)]
    assert holds_of(system, loser["id"]) == [(f"crd_race_{loser['id']}", 0, "held")]
    assert "order.rescheduled" not in lifecycle(after)


def test_a_slot_on_another_orders_booking_cannot_be_held(system: System) -> None:
    mine, theirs = confirmed(system), confirmed(system)
    overlapping = instant(theirs["startUtc"]) + timedelta(hours=1)
    request = orders_pb2.HoldSlotsRequest(
        request_id=key(),
        order_id=mine["id"],
        card_id="crd_taken",
        slots=slots(instant(mine["startUtc"]) + timedelta(hours=4), overlapping),
    )
    taken = refusal(system, "HoldSlots", request)
    assert (taken.code, taken.reason, taken.metadata) == (
        ErrorCode.FAILED_PRECONDITION,
        "SLOT_TAKEN",
        {"slotIndex": "1"},
    )
    assert holds_of(system, mine["id"]) == []
    # Its own booking does not stand in its way: an hour later overlaps only itself.
    held = hold(system, mine["id"], "crd_own", instant(mine["startUtc"]) + timedelta(hours=1))
    assert len(held.holds) == 1


def test_released_and_cancelled_holds_leave_the_calendar(system: System) -> None:
    order = confirmed(system)
    start = instant(order["startUtc"])
    hold(system, order["id"], "crd_a", start + timedelta(hours=4), start + timedelta(hours=7))
    hold(system, order["id"], "crd_b", start + timedelta(hours=10))
    release = orders_pb2.ReleaseHoldsRequest(request_id=key(), order_id=order["id"], card_id="crd_b")
    assert command(system, "ReleaseHolds", release).released == 1
    assert command(system, "ReleaseHolds", release).released == 1  # the same key answers the same
    release.request_id = key()
    assert command(system, "ReleaseHolds", release).released == 0
    assert holds_of(system, order["id"]) == [("crd_a", 0, "held"), ("crd_a", 1, "held"), ("crd_b", 0, "released")]

    system.gql(BUYER, CANCEL, {"i": {"orderId": order["id"], "expectedVersion": 2, "idempotencyKey": key()}})
    assert holds_of(system, order["id"]) == [
        ("crd_a", 0, "released"),
        ("crd_a", 1, "released"),
        ("crd_b", 0, "released"),
    ]
    seen = view(system, order["id"])
    assert lifecycle(seen)[-4:] == [
        "calendar.holds_released",
        "calendar.event_released",
        "order.cancelled",
        "calendar.holds_released",
    ]
    *_, at_cancel = [e["node"] for e in seen["timeline"]["edges"] if e["node"]["subtype"] == "calendar.holds_released"]
    assert [(h["cardId"], h["slotIndex"]) for h in at_cancel["payload"]["holds"]] == [("crd_a", 0), ("crd_a", 1)]
    # A cancelled order cannot be rescheduled.
    closed = refusal(
        system,
        "HoldSlots",
        orders_pb2.HoldSlotsRequest(
            request_id=key(), order_id=order["id"], card_id="crd_c", slots=slots(start + timedelta(hours=4))
        ),
    )
    assert (closed.reason, closed.metadata) == ("INVALID_TRANSITION", {"state": "CANCELLED"})


def test_every_command_is_for_its_service_alone_and_refuses_bad_input(system: System) -> None:
    order = confirmed(system)
    later = instant(order["startUtc"]) + timedelta(hours=4)
    requests: dict[str, Any] = {
        "HoldSlots": orders_pb2.HoldSlotsRequest(
            request_id=key(), order_id=order["id"], card_id="crd_x", slots=slots(later)
        ),
        "ReleaseHolds": orders_pb2.ReleaseHoldsRequest(request_id=key(), order_id=order["id"], card_id="crd_x"),
        "ApplyReschedule": apply(order["id"], "crd_x", 0),
        "CompleteOrder": orders_pb2.CompleteOrderRequest(request_id=key(), order_id=order["id"], card_id="crd_x"),
        "DisputeOrder": orders_pb2.DisputeOrderRequest(request_id=key(), order_id=order["id"], card_id="crd_x"),
        "ResolveDispute": orders_pb2.ResolveDisputeRequest(request_id=key(), order_id=order["id"]),
    }
    for method, request in requests.items():
        # A participant through the gateway, and the other service, are refused alike.
        for caller, user in (("gateway", BUYER), ("gateway", PROVIDER), ("payments", "")):
            denied = refusal(system, method, request, caller=caller, user=user)
            assert denied.code is ErrorCode.PERMISSION_DENIED, (method, caller)
    assert refusal(system, "ResolveDispute", requests["ResolveDispute"], caller="cards").code is (
        ErrorCode.PERMISSION_DENIED
    )
    for method in ("HoldSlots", "ReleaseHolds", "ApplyReschedule", "CompleteOrder", "DisputeOrder"):
        assert refusal(system, method, requests[method], caller="support").code is ErrorCode.PERMISSION_DENIED

    def fields(method: str, request: Any, caller: str = "cards") -> set[str]:
        error = refusal(system, method, request, caller=caller)
        assert error.code is ErrorCode.INVALID_ARGUMENT, (method, error)
        return {v.field for v in error.violations}

    no_start = orders_pb2.HoldSlotsRequest(
        request_id=key(),
        order_id=order["id"],
        card_id="",
        slots=[orders_pb2.Slot(end_utc=timestamp(later)), orders_pb2.Slot(start_utc=timestamp(later))],
    )
    assert fields("HoldSlots", no_start) == {"card_id", "slots[0].start_utc", "slots[1].end_utc"}
    none = orders_pb2.HoldSlotsRequest(request_id=key(), order_id=order["id"], card_id="crd_x")
    assert fields("HoldSlots", none) == {"slots"}
    past = orders_pb2.HoldSlotsRequest(
        request_id=key(),
        order_id=order["id"],
        card_id="crd_x",
        slots=[
            orders_pb2.Slot(start_utc=timestamp(datetime(2020, 1, 1, 9)), end_utc=timestamp(datetime(2020, 1, 1, 11))),
            orders_pb2.Slot(start_utc=timestamp(later), end_utc=timestamp(later + timedelta(hours=3))),
        ],
    )
    assert fields("HoldSlots", past) == {"slots[0].start_utc", "slots[1].end_utc"}
    assert fields("HoldSlots", orders_pb2.HoldSlotsRequest(order_id=order["id"], card_id="c", slots=slots(later))) == {
        "request_id"
    }
    assert fields("ReleaseHolds", orders_pb2.ReleaseHoldsRequest(request_id=key(), order_id="", card_id="c")) == {
        "order_id"
    }
    assert fields("ApplyReschedule", apply(order["id"], "crd_x", -1, version=-3)) == {"slot_index", "expected_version"}
    assert fields(
        "CompleteOrder", orders_pb2.CompleteOrderRequest(request_id=key(), order_id=order["id"], card_id="c" * 65)
    ) == {"card_id"}
    assert fields("DisputeOrder", orders_pb2.DisputeOrderRequest(request_id=key(), order_id="", card_id="")) == {
        "order_id",
        "card_id",
    }
    assert fields("ResolveDispute", orders_pb2.ResolveDisputeRequest(request_id=key()), caller="support") == {
        "order_id"
    }
    unknown = orders_pb2.CompleteOrderRequest(request_id=key(), order_id="ord_unknown", card_id="crd_x")
    assert refusal(system, "CompleteOrder", unknown).code is ErrorCode.NOT_FOUND
    # The wrong state: a confirmed order is not under way, nor disputed.
    early = refusal(system, "CompleteOrder", requests["CompleteOrder"])
    assert (early.code, early.reason, early.metadata) == (
        ErrorCode.FAILED_PRECONDITION,
        "INVALID_TRANSITION",
        {"state": "CONFIRMED"},
    )
    assert refusal(system, "DisputeOrder", requests["DisputeOrder"]).reason == "INVALID_TRANSITION"
    assert refusal(system, "ResolveDispute", requests["ResolveDispute"], caller="support").reason == (
        "INVALID_TRANSITION"
    )

    # None of it changed anything.
    seen = view(system, order["id"])
    assert (seen["state"], seen["version"]) == ("CONFIRMED", order["version"])
    assert holds_of(system, order["id"]) == [] and lifecycle(seen) == lifecycle(order)


def payout_of(system: System, order_id: str) -> dict[str, Any]:
    found = system.gql(BUYER, "query($id: ID!) { order(id: $id) { payment { payout { status } } } }", {"id": order_id})
    payout: dict[str, Any] = found["order"]["payment"]["payout"] or {}
    return payout


def test_sessions_complete_dispute_resolve_and_close_once_paid_out_past_the_dispute_window(system: System) -> None:
    now = service_now(system).replace(second=0, microsecond=0)
    paid = booked_soon(system, now + timedelta(hours=1))
    unpaid = booked_soon(system, now + timedelta(hours=3, minutes=30))
    rained_out = booked_soon(system, now + timedelta(hours=6))
    advance_clock(system, 7 * 3600)
    for order_id in (paid, unpaid, rained_out):
        wait_for(lambda o=order_id: view(system, o)["state"], lambda s: s == "IN_PROGRESS", what=f"{order_id} started")

    # A session rained out is rescheduled: CONFIRMED again, and started again at its new time.
    resumed_at = service_now(system).replace(second=0, microsecond=0) + timedelta(days=1, minutes=17)
    hold(system, rained_out, "crd_rain", resumed_at)
    version = view(system, rained_out)["version"]
    resumed = command(system, "ApplyReschedule", apply(rained_out, "crd_rain", 0, version=version)).order
    assert (resumed.state, resumed.version, datetime_of(resumed.start_utc)) == (
        orders_pb2.ORDER_STATE_CONFIRMED,
        version + 1,
        resumed_at,
    )
    assert lifecycle(view(system, rained_out))[-2:] == ["order.rescheduled", "order.confirmed"]
    [event] = published(system, rained_out, "order.rescheduled")
    message = events_pb2.OrderRescheduled()
    event.data.Unpack(message)
    assert message.from_state == orders_pb2.ORDER_STATE_IN_PROGRESS
    assert message.order.state == orders_pb2.ORDER_STATE_CONFIRMED

    # A COMPLETE card accepted: the order is COMPLETED and the reviews window opens for 14 days.
    completed = command(
        system, "CompleteOrder", orders_pb2.CompleteOrderRequest(request_id=key(), order_id=paid, card_id="crd_done")
    ).order
    completed_at = datetime_of(completed.updated_at)
    assert completed_at is not None and completed.state == orders_pb2.ORDER_STATE_COMPLETED
    seen = view(system, paid)
    assert lifecycle(seen)[-2:] == ["order.completed", "reviews.window.opened"]
    window = entry(seen, "reviews.window.opened")["payload"]
    assert instant(window["closesAt"]) == completed_at + timedelta(days=14)
    [opened] = published(system, paid, "reviews.window.opened")
    reviews = events_pb2.ReviewsWindowOpened()
    opened.data.Unpack(reviews)
    assert (reviews.order_id, datetime_of(reviews.closes_at)) == (paid, completed_at + timedelta(days=14))
    command(
        system,
        "CompleteOrder",
        orders_pb2.CompleteOrderRequest(request_id=key(), order_id=unpaid, card_id="crd_done_2"),
    )

    # A dispute within the window, resolved by support: COMPLETED again.
    disputed = command(
        system, "DisputeOrder", orders_pb2.DisputeOrderRequest(request_id=key(), order_id=paid, card_id="crd_dispute")
    ).order
    assert disputed.state == orders_pb2.ORDER_STATE_DISPUTED
    again = refusal(
        system, "CompleteOrder", orders_pb2.CompleteOrderRequest(request_id=key(), order_id=paid, card_id="crd_done")
    )
    assert again.reason == "INVALID_TRANSITION"
    resolved = command(
        system,
        "ResolveDispute",
        orders_pb2.ResolveDisputeRequest(request_id=key(), order_id=paid),
        caller="support",
        user="u_agent_1",
    ).order
    assert resolved.state == orders_pb2.ORDER_STATE_COMPLETED
    assert lifecycle(view(system, paid))[-2:] == ["order.disputed", "order.completed"]

    # The settlement: the payout is due two days after completion, then paid to the bank two days later.
    settle = payments_pb2.SchedulePayoutRequest(request_id=key(), order_id=paid, completed_at=timestamp(completed_at))
    rpc(system, "payments", payments_pb2_grpc.PaymentsServiceStub, "SchedulePayout", settle, caller="cards")
    advance_clock(system, 2 * 86400 + 60)
    wait_for(lambda: payout_of(system, paid).get("status"), lambda s: s == "IN_TRANSIT", what="the payout")
    # The rescheduled session's new time has come: the sweeper started it then.
    wait_for(lambda: view(system, rained_out)["state"], lambda s: s == "IN_PROGRESS", what="the resumed session")
    advance_clock(system, 2 * 86400 + 60)
    wait_for(
        lambda: [edge["node"]["subtype"] for edge in view(system, paid)["timeline"]["edges"]],
        lambda subtypes: "payout.paid" in subtypes,
        what="the bank payout on the timeline",
    )
    # Paid out, but a dispute could still be opened: the order stays COMPLETED.
    assert view(system, paid)["state"] == "COMPLETED"

    # Past the dispute window (7 days after the end): it closes; the unpaid one does not, and is past disputing.
    advance_clock(system, 3 * 86400 + 3600)
    closed = wait_for(lambda: view(system, paid), lambda found: found["state"] == "CLOSED", what="the closing")
    assert lifecycle(closed)[-1] == "order.closed" and entry(closed, "order.closed")["actorUserId"] is None
    assert len(published(system, paid, "order.closed")) == 1
    late = refusal(
        system, "DisputeOrder", orders_pb2.DisputeOrderRequest(request_id=key(), order_id=unpaid, card_id="crd_late")
    )
    assert (late.code, late.reason) == (ErrorCode.FAILED_PRECONDITION, "DISPUTE_WINDOW_CLOSED")
    assert view(system, unpaid)["state"] == "COMPLETED"
