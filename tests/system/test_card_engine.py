"""The card engine's guarantees: deadlines on the clock, a cancelled order's cards withdrawn, a
stuck effect escalated, and a cards process killed in the middle of an effect finishing it once."""

from __future__ import annotations

from typing import Any

from saga_tools import BUYER, PROVIDER, advance_clock, arm, disarm, key, wait_for
from system_client import CANCEL as CANCEL_ORDER
from system_client import System
from test_card_scenarios import FULL_CARD, card_state, in_progress, moved, order_of, subtypes
from test_cards import EXTRAS, confirmed, create, respond
from test_ledger import ledger
from test_order_card_commands import holds_of


def card(system: System, card_id: str) -> dict[str, Any]:
    found: dict[str, Any] = system.gql(BUYER, FULL_CARD, {"id": card_id})["card"]
    return found


def test_an_unanswered_reschedule_expires_and_releases_its_holds(system: System) -> None:
    order_id = confirmed(system)
    proposal = create(system, BUYER, order_id, "RESCHEDULE", {"slots": [moved(order_of(system, order_id), 1)]})
    assert [status for *_, status in holds_of(system, order_id)] == ["held"]
    advance_clock(system, 48 * 3600 + 60)
    expired = card_state(system, proposal["id"], "EXPIRED")
    assert expired["responses"] == []  # nobody answered it
    holds = wait_for(
        lambda: holds_of(system, order_id), lambda found: [s for *_, s in found] == ["released"], what="release"
    )
    assert [status for *_, status in holds] == ["released"]
    timeline = wait_for(
        lambda: subtypes(order_of(system, order_id)),
        lambda found: "card.closed.reschedule" in found,
        what="the expiry on the timeline",
    )
    assert timeline.count("card.closed.reschedule") == 1


def test_an_unanswered_complete_is_accepted_by_the_system_after_72_hours(system: System) -> None:
    order_id = in_progress(system)
    proposal = create(system, PROVIDER, order_id, "COMPLETE", {"note": "all delivered"})
    advance_clock(system, 72 * 3600 + 60)
    closed = card_state(system, proposal["id"], "CLOSED")
    assert [(r["responderUserId"], r["action"]) for r in closed["responses"]] == [] or closed["state"] == "CLOSED"
    done = wait_for(lambda: order_of(system, order_id), lambda o: o["state"] == "COMPLETED", what="the completion")
    [accepted] = [e["node"] for e in done["timeline"]["edges"] if e["node"]["subtype"] == "card.responded.complete"]
    assert accepted["actorUserId"] is None  # the system accepted it


def test_a_cancelled_order_withdraws_its_open_cards(system: System) -> None:
    order_id = confirmed(system)
    extras = create(system, PROVIDER, order_id, "EXTRAS", EXTRAS)
    proposal = create(system, BUYER, order_id, "RESCHEDULE", {"slots": [moved(order_of(system, order_id), 1)]})
    current = order_of(system, order_id)
    system.gql(
        BUYER,
        CANCEL_ORDER,
        {"i": {"orderId": order_id, "expectedVersion": current["version"], "idempotencyKey": key()}},
    )
    card_state(system, extras["id"], "CANCELLED")
    card_state(system, proposal["id"], "CANCELLED")
    assert [s for *_, s in holds_of(system, order_id)] == ["released"]


def test_an_effect_that_cannot_be_applied_for_five_minutes_is_escalated_and_then_applied(system: System) -> None:
    order_id = confirmed(system)
    extras = create(system, PROVIDER, order_id, "EXTRAS", EXTRAS)
    arm(system, "cards", "card_effect.after_call")  # every attempt fails after the owner's answer
    try:
        respond(system, BUYER, extras, "ACCEPT")
        advance_clock(system, 6 * 60)
        wait_for(
            lambda: subtypes(order_of(system, order_id)),
            lambda found: "card.stuck.extras" in found,
            what="the escalation",
        )
    finally:
        disarm(system, "cards")
    advance_clock(system, 600)  # past the retry's backoff
    card_state(system, extras["id"], "CLOSED")
    timeline = subtypes(order_of(system, order_id))
    assert timeline.count("card.stuck.extras") == 1 and timeline.count("payment.charged") == 1


def test_cards_killed_in_the_middle_of_an_effect_finishes_it_after_the_restart_without_a_second_charge(
    system: System,
) -> None:
    order_id = confirmed(system)
    extras = create(system, PROVIDER, order_id, "EXTRAS", EXTRAS)
    arm(system, "cards", "card_effect.after_call", crash=True, times=1)
    try:
        respond(system, BUYER, extras, "ACCEPT")
    except Exception:  # the process may die before it answers
        pass
    system.stack.processes["cards"].popen.wait(timeout=15)
    assert [kind for kind, *_ in ledger(system, order_id)["entries"]].count("charge") == 1  # charged before the crash
    system.stack.start_service("cards")
    system.stack.wait_ready()
    advance_clock(system, 120)  # past the dead driver's lease: the sweeper takes the saga over
    card_state(system, extras["id"], "CLOSED")
    assert [kind for kind, *_ in ledger(system, order_id)["entries"]].count("charge") == 1
    assert order_of(system, order_id)["payment"]["chargedExtras"]["amountCents"] == 11_977


def test_two_reschedules_accepted_for_one_slot_end_with_one_event_and_the_other_card_reopened(system: System) -> None:
    first, second = confirmed(system), confirmed(system)
    target = moved(order_of(system, first), 2)  # a slot later the same day as the first order
    fallbacks = [moved(order_of(system, order_id), 1) for order_id in (first, second)]
    proposals = [
        create(system, BUYER, order_id, "RESCHEDULE", {"slots": [target, fallback]})
        for order_id, fallback in zip((first, second), fallbacks, strict=True)
    ]
    for proposal in proposals:
        respond(system, PROVIDER, proposal, "ACCEPT", {"slotIndex": 0})
    states = wait_for(
        lambda: [card(system, c["id"])["state"] for c in proposals],
        lambda found: sorted(found) == ["CLOSED", "OPEN"],
        what="one applied and one reopened",
    )
    starts = [order_of(system, order_id)["startUtc"] for order_id in (first, second)]
    assert starts.count(target["startUtc"]) == 1
    reopened_index = states.index("OPEN")
    owner, reopened = (first, second)[reopened_index], proposals[reopened_index]
    timeline = wait_for(
        lambda: subtypes(order_of(system, owner)),
        lambda found: "card.reopened.reschedule" in found,
        what="the reopening on the timeline",
    )
    assert timeline.count("card.reopened.reschedule") == 1
    # Decided again, for its other slot: the new decision's effect runs.
    again = card(system, reopened["id"])
    respond(system, PROVIDER, {"id": reopened["id"], "version": again["version"]}, "ACCEPT", {"slotIndex": 1})
    card_state(system, reopened["id"], "CLOSED")
    assert order_of(system, owner)["startUtc"] == fallbacks[reopened_index]["startUtc"]
