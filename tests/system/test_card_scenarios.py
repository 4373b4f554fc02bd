"""The plan's card tests 3626–3632 as scenarios through the gateway, on the real services and the
Stripe simulator: each card type from its request to its effect in the owning services."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from saga_tools import BUYER, PROVIDER, advance_clock, key, wait_for
from system_client import CANCEL as CANCEL_ORDER
from system_client import GraphQLError, System
from test_cancellation_money import service_now
from test_cards import CARD, CARDS, EXTRAS, confirmed, create, media, respond
from test_ledger import ledger
from test_order_card_commands import booked_soon, holds_of

MONEY = """query($id: ID!) { order(id: $id) { id state version startUtc endUtc
  payment { chargedExtras { amountCents } pendingExtras { amountCents } reserveFrozen
    charges { kind status total { amountCents } } payout { status dueAt } receipts { kind total { amountCents } } }
  timeline(first: 100) { edges { node { kind subtype actorUserId payload } } } } }"""
FULL_CARD = """query($id: ID!) { card(id: $id) { id state version supersededBy payload
  responses { responderUserId action payload } } }"""


def order_of(system: System, order_id: str) -> dict[str, Any]:
    found: dict[str, Any] = system.gql(BUYER, MONEY, {"id": order_id})["order"]
    return found


def subtypes(order: dict[str, Any]) -> list[str]:
    return [edge["node"]["subtype"] for edge in order["timeline"]["edges"]]


def card_state(system: System, card_id: str, state: str) -> dict[str, Any]:
    found: dict[str, Any] = wait_for(
        lambda: system.gql(BUYER, FULL_CARD, {"id": card_id})["card"],
        lambda card: card["state"] == state,
        what=f"the card {state}",
    )
    return found


def utc(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def moved(order: dict[str, Any], step: int) -> dict[str, str]:
    """The order's slot moved later the same day by ``step`` × 3 hours (other tests book other days)."""
    start, end = (
        datetime.fromisoformat(order[k].replace("Z", "+00:00")) + timedelta(hours=3 * step)
        for k in ("startUtc", "endUtc")
    )
    return {"startUtc": utc(start), "endUtc": utc(end)}


def in_progress(system: System) -> str:
    """A booking whose session is under way (started by the service clock).

    The session is booked at the first free slot from half an hour ahead (other tests book near
    the clock too), and the clock moves past its end, so the next one booked this way is free.
    """
    now = service_now(system).replace(second=0, microsecond=0)
    for attempt in range(40):
        start = now + timedelta(minutes=30 + 150 * attempt)
        try:
            order_id = booked_soon(system, start)
            break
        except GraphQLError as taken:
            if taken.extensions.get("reason") != "SLOT_TAKEN":
                raise
    else:
        raise AssertionError("no free slot for a session in the next days")
    advance_clock(system, int((start - now).total_seconds()) + 3 * 3600)
    wait_for(lambda: order_of(system, order_id)["state"], lambda state: state == "IN_PROGRESS", what="the start")
    return order_id


def test_3626_reschedule_holds_every_slot_turns_the_chosen_one_into_the_event_and_releases_the_rest(
    system: System,
) -> None:
    order_id = confirmed(system)
    before = order_of(system, order_id)
    proposal = [moved(before, 1), moved(before, 2), moved(before, 3)]
    card = create(system, BUYER, order_id, "RESCHEDULE", {"slots": proposal, "reason": "the venue moved"})
    assert [(index, status) for _, index, status in holds_of(system, order_id)] == [
        (0, "held"),
        (1, "held"),
        (2, "held"),
    ]

    respond(system, PROVIDER, card, "ACCEPT", {"slotIndex": 1})
    card_state(system, card["id"], "CLOSED")
    after = order_of(system, order_id)
    assert (after["startUtc"], after["endUtc"]) == (proposal[1]["startUtc"], proposal[1]["endUtc"])
    assert after["version"] > before["version"] and after["state"] == "CONFIRMED"
    assert [status for _, _, status in holds_of(system, order_id)] == ["released", "converted", "released"]
    timeline = subtypes(after)
    assert timeline.index("calendar.holds_placed") < timeline.index("order.rescheduled")


def test_3626_a_proposal_onto_a_booked_slot_is_refused_and_a_declined_one_releases_its_holds(system: System) -> None:
    taken, order_id = confirmed(system), confirmed(system)
    other = order_of(system, taken)
    with pytest.raises(GraphQLError) as refused:
        create(
            system,
            BUYER,
            order_id,
            "RESCHEDULE",
            {"slots": [{"startUtc": other["startUtc"], "endUtc": other["endUtc"]}]},
        )
    assert refused.value.extensions.get("reason") == "SLOT_TAKEN"
    assert holds_of(system, order_id) == [] and system.gql(BUYER, CARDS, {"id": order_id})["order"]["cards"] == []

    mine = order_of(system, order_id)
    card = create(system, BUYER, order_id, "RESCHEDULE", {"slots": [moved(mine, 1)]})
    respond(system, PROVIDER, card, "DECLINE", {"reason": "booked elsewhere"})
    wait_for(lambda: holds_of(system, order_id), lambda holds: [s for _, _, s in holds] == ["released"], what="release")


def test_3627_extras_accepted_are_charged_with_a_receipt_and_the_ledger_and_declined_ones_are_not(
    system: System,
) -> None:
    order_id = confirmed(system)
    declined = create(system, PROVIDER, order_id, "EXTRAS", EXTRAS)
    respond(system, BUYER, declined, "DECLINE")
    card = create(system, PROVIDER, order_id, "EXTRAS", EXTRAS)
    respond(system, BUYER, card, "ACCEPT")
    card_state(system, card["id"], "CLOSED")
    payment = order_of(system, order_id)["payment"]
    # 2 × 50.00 + 10 % fee + 8.88 % tax of 110.00.
    assert payment["chargedExtras"]["amountCents"] == 11_977
    assert [(c["kind"], c["status"]) for c in payment["charges"]] == [("extras", "SUCCEEDED")]
    assert ("extras", 11_977) in [(r["kind"], r["total"]["amountCents"]) for r in payment["receipts"]]
    assert [kind for kind, *_ in ledger(system, order_id)["entries"]].count("charge") == 1


def test_3628_proofs_subset_change_requests_and_final_approval_make_the_deliverables(system: System) -> None:
    order_id = in_progress(system)
    a, b, c = (media(system, order_id, name=f"look-{n}.jpg") for n in (1, 2, 3))
    gallery = {"media": [{"mediaId": a, "nsfw": False}, {"mediaId": b, "nsfw": True}]}
    with pytest.raises(GraphQLError) as unknown:
        create(system, PROVIDER, order_id, "PROOFS", {"media": [{"mediaId": "med_nowhere", "nsfw": False}]})
    assert {v["field"] for v in unknown.value.extensions["violations"]} == {"input.payload.media[0].mediaId"}
    card = create(system, PROVIDER, order_id, "PROOFS", gallery)
    card = respond(system, BUYER, card, "APPROVE", {"mediaIds": [a]})
    card = respond(system, BUYER, card, "REQUEST_CHANGES", {"notes": "brighter, please"})
    with pytest.raises(GraphQLError) as early:
        respond(system, BUYER, card, "APPROVE", {"mediaIds": ["med_zz"], "final": True})
    assert early.value.code == "INVALID_ARGUMENT"
    card = respond(system, PROVIDER, card, "UPLOAD", {"media": [{"mediaId": c, "nsfw": False}]})
    card = respond(system, BUYER, card, "APPROVE", {"mediaIds": [c], "final": True})
    assert card["state"] == "CLOSED"
    full = system.gql(BUYER, "query($id: ID!) { card(id: $id) { payload progress } }", {"id": card["id"]})
    assert full["card"]["payload"] == gallery
    assert full["card"]["progress"]["approved"] == sorted([a, c])
    assert [r["action"] for r in system.gql(BUYER, FULL_CARD, {"id": card["id"]})["card"]["responses"]] == [
        "APPROVE",
        "REQUEST_CHANGES",
        "UPLOAD",
        "APPROVE",
    ]


def test_3629_an_approved_expense_waits_for_the_final_settlement(system: System) -> None:
    order_id = confirmed(system)
    receipt = media(system, order_id, name="taxi-receipt.jpg")
    expense = {
        "items": [{"category": "travel", "description": "taxi", "amountCents": 2_500, "receiptMediaId": receipt}],
        "currency": "USD",
    }
    card = create(system, PROVIDER, order_id, "EXPENSE", expense)
    respond(system, BUYER, card, "APPROVE")
    card_state(system, card["id"], "CLOSED")
    payment = order_of(system, order_id)["payment"]
    assert payment["pendingExtras"]["amountCents"] == 2_500
    assert [(c["kind"], c["status"]) for c in payment["charges"]] == [("expense", "PENDING")]
    assert system.gql(BUYER, FULL_CARD, {"id": card["id"]})["card"]["payload"] == expense  # the receipts are kept


def test_3630_complete_needs_the_counterpart_and_waits_for_no_open_reschedule(system: System) -> None:
    order_id = in_progress(system)
    running = order_of(system, order_id)
    reschedule = create(system, BUYER, order_id, "RESCHEDULE", {"slots": [moved(running, 2)]})
    with pytest.raises(GraphQLError) as blocked:
        create(system, PROVIDER, order_id, "COMPLETE", {"note": "delivered"})
    assert blocked.value.extensions.get("reason") == "CARDS_EXCLUDE"
    system.gql(
        BUYER,
        "mutation($i: CancelCardInput!) { cancelCard(input: $i) { state } }",
        {"i": {"cardId": reschedule["id"], "expectedVersion": reschedule["version"], "idempotencyKey": key()}},
    )
    card = create(system, PROVIDER, order_id, "COMPLETE", {"note": "delivered"})
    with pytest.raises(GraphQLError) as own:
        respond(system, PROVIDER, card, "APPROVE")
    assert own.value.code == "PERMISSION_DENIED"
    respond(system, BUYER, card, "APPROVE")
    card_state(system, card["id"], "CLOSED")
    done = wait_for(
        lambda: order_of(system, order_id),
        lambda order: order["state"] == "COMPLETED" and (order["payment"]["payout"] or {}).get("status") == "SCHEDULED",
        what="the completion and the payout",
    )
    assert "reviews.window.opened" in subtypes(done)


def test_3631_a_dispute_freezes_the_order_and_the_payout_and_takes_evidence_only(system: System) -> None:
    order_id = in_progress(system)
    extras = create(system, PROVIDER, order_id, "EXTRAS", EXTRAS)
    dispute = create(system, BUYER, order_id, "DISPUTE", {"reason": "late", "description": "two hours late"})
    disputed = wait_for(
        lambda: order_of(system, order_id),
        lambda order: order["state"] == "DISPUTED" and order["payment"]["reserveFrozen"],
        what="the dispute's effects",
    )
    with pytest.raises(GraphQLError) as frozen:
        respond(system, BUYER, extras, "ACCEPT")
    assert frozen.value.extensions.get("reason") == "ORDER_DISPUTED"
    with pytest.raises(GraphQLError) as cancel:
        system.gql(
            BUYER,
            CANCEL_ORDER,
            {"i": {"orderId": order_id, "expectedVersion": disputed["version"], "idempotencyKey": key()}},
        )
    assert cancel.value.code == "FAILED_PRECONDITION"
    gps = media(system, order_id, name="gps-track.jpg")
    evidence = respond(system, PROVIDER, dispute, "UPLOAD", {"mediaIds": [gps], "note": "on time by GPS"})
    assert evidence["state"] == "OPEN"


def test_3632_duplicate_clicks_make_one_card_and_one_response_and_a_stale_version_is_refused(system: System) -> None:
    order_id = confirmed(system)
    click = key()
    first = create(system, PROVIDER, order_id, "EXTRAS", EXTRAS, idempotency_key=click)
    again = create(system, PROVIDER, order_id, "EXTRAS", EXTRAS, idempotency_key=click)
    assert first["id"] == again["id"]
    answer = {
        "i": {
            "cardId": first["id"],
            "action": "DECLINE",
            "payload": None,
            "expectedVersion": 1,
            "idempotencyKey": key(),
        }
    }
    once = system.gql(BUYER, "mutation($i: RespondToCardInput!) { respondToCard(input: $i) { state version } }", answer)
    twice = system.gql(
        BUYER, "mutation($i: RespondToCardInput!) { respondToCard(input: $i) { state version } }", answer
    )
    assert once == twice
    assert len(system.gql(BUYER, FULL_CARD, {"id": first["id"]})["card"]["responses"]) == 1
    with pytest.raises(GraphQLError) as stale:
        respond(system, BUYER, {"id": first["id"], "version": 1}, "ACCEPT")
    assert stale.value.code in ("CONFLICT", "FAILED_PRECONDITION")
    assert system.gql(BUYER, CARD, {"id": first["id"]})["card"]["state"] == "DECLINED"
