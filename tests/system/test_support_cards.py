"""What support does through the cards service, on the real services: it reads any order's cards,
resolves a DISPUTE card (the payout freeze released, the payout settled once, the card closed), and
hides and restores media, which then leave and rejoin the deliverables.

Support's calls are made with the support service's own credential, acting for no user, as the
support service makes them; users reach none of them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC
from typing import Any, TypeVar

import httpx
import psycopg
import pytest
from saga_tools import BUYER, PROVIDER, advance_clock, key, wait_for
from system_client import System, rpc
from test_cancellation_money import service_now
from test_card_scenarios import card_state, in_progress
from test_cards import create, respond
from test_ledger import PAYABLE, ledger
from test_media import DELIVERABLES, JPEG, put, upload_link

from callsheet.cards.v1 import cards_pb2, cards_pb2_grpc
from callsheet.orders.v1 import orders_pb2, orders_pb2_grpc
from callsheet_kit.errors import DomainError

RESERVE = f"provider_reserve:{PROVIDER}"
MONEY = """query($id: ID!) { order(id: $id) { id state
  payment { reserveFrozen payout { status dueAt } }
  timeline(first: 100) { edges { node { subtype } } } } }"""
DISPUTE = {"reason": "late", "description": "two hours late", "requestedRefundCents": 5_000}
T = TypeVar("T")


def cards(system: System, method: str, request: Any, *, caller: str = "support", user: str = "", **kw: Any) -> Any:
    return rpc(system, "cards", cards_pb2_grpc.CardsServiceStub, method, request, caller=caller, user=user, **kw)


def money(system: System, order_id: str) -> dict[str, Any]:
    found: dict[str, Any] = system.gql(BUYER, MONEY, {"id": order_id})["order"]
    return found


def payouts_of(system: System, order_id: str) -> list[tuple[str, str]]:
    """(key, status) of every payout of the order, from payments' own schema."""
    with psycopg.connect(system.stack.service_urls["payments"]) as conn:
        rows = conn.execute("SELECT key, status FROM pay.payout WHERE order_id = %s", (order_id,)).fetchall()
    return [(str(found), str(status)) for found, status in rows]


def retrying(call: Callable[[], T], *, timeout: float = 30) -> T:
    """Repeats ``call`` while it answers UNAVAILABLE (the dispute's own effect still running), as support does."""
    return wait_for(lambda: _attempt(call), lambda answer: answer is not None, timeout=timeout, what="an answer")  # type: ignore[return-value]


def _attempt(call: Callable[[], T]) -> T | None:
    try:
        return call()
    except DomainError as error:
        if error.code.name != "UNAVAILABLE":
            raise
        return None


def disputed(system: System, order_id: str) -> dict[str, Any]:
    """The DISPUTE card opened by the buyer, once the order is DISPUTED and its payout frozen."""
    card: dict[str, Any] = create(system, BUYER, order_id, "DISPUTE", DISPUTE)
    wait_for(
        lambda: money(system, order_id),
        lambda order: order["state"] == "DISPUTED" and order["payment"]["reserveFrozen"],
        what="the dispute's effect",
    )
    return card


def resolve_order(system: System, order_id: str) -> None:
    """Orders returns the disputed order to COMPLETED, as support asks it to before closing the card."""
    request = orders_pb2.ResolveDisputeRequest(request_id=key(), order_id=order_id)
    rpc(system, "orders", orders_pb2_grpc.OrdersServiceStub, "ResolveDispute", request, caller="support")


def resolve_card(system: System, card_id: str, *, note: str = "refunded 50.00", request_id: str = "") -> Any:
    request = cards_pb2.ResolveDisputeCardRequest(request_id=request_id or key(), card_id=card_id, note=note)
    return retrying(lambda: cards(system, "ResolveDisputeCard", request)).card


def test_support_resolves_a_dispute_card_the_freeze_is_released_and_the_payout_scheduled_once(system: System) -> None:
    order_id = in_progress(system)
    dispute = disputed(system, order_id)
    frozen = ledger(system, order_id)["posted"]
    assert frozen.get(RESERVE) == -30_000 and frozen.get(PAYABLE, 0) == 0

    # Support reads any order's cards on its own account; a stranger still learns nothing.
    listed = cards(system, "ListCards", cards_pb2.ListCardsRequest(order_id=order_id)).cards
    assert [(c.id, c.state) for c in listed] == [(dispute["id"], cards_pb2.CARD_STATE_OPEN)]
    one = cards(system, "GetCard", cards_pb2.GetCardRequest(card_id=dispute["id"])).card
    assert one.type == cards_pb2.CARD_TYPE_DISPUTE and list(one.actions) == []
    with pytest.raises(DomainError) as stranger:
        cards(system, "GetCard", cards_pb2.GetCardRequest(card_id=dispute["id"]), caller="gateway", user="u_buyer_2")
    assert stranger.value.code.name == "NOT_FOUND"

    request = cards_pb2.ResolveDisputeCardRequest(request_id=key(), card_id=dispute["id"], note="no refund")
    with pytest.raises(DomainError) as buyer:
        cards(system, "ResolveDisputeCard", request, caller="gateway", user=BUYER)
    assert buyer.value.code.name == "PERMISSION_DENIED"
    assert payouts_of(system, order_id) == []

    resolve_order(system, order_id)
    first_key = key()
    closed = resolve_card(system, dispute["id"], note="refunded 50.00", request_id=first_key)
    assert closed.state == cards_pb2.CARD_STATE_CLOSED
    assert json.loads(closed.progress_json)["resolutionNote"] == "refunded 50.00"
    assert card_state(system, dispute["id"], "CLOSED")["version"] == closed.version
    after = wait_for(
        lambda: money(system, order_id),
        lambda order: not order["payment"]["reserveFrozen"] and order["payment"]["payout"] is not None,
        what="the released freeze and the payout",
    )
    assert after["state"] == "COMPLETED" and after["payment"]["payout"]["status"] == "SCHEDULED"
    book = ledger(system, order_id)
    assert [kind for kind, *_ in book["entries"]][-2:] == ["reserve_freeze", "reserve_release"]
    assert book["posted"].get(RESERVE, 0) == 0 and book["posted"][PAYABLE] == -30_000
    assert payouts_of(system, order_id) == [(f"payout:cards:payout:dispute:{dispute['id']}", "scheduled")]
    wait_for(
        lambda: [e["node"]["subtype"] for e in money(system, order_id)["timeline"]["edges"]],
        lambda found: found.count("card.closed.dispute") == 1,
        what="the card's close on the timeline",
    )

    # A repeat, under a new key or the same one, changes nothing.
    assert resolve_card(system, dispute["id"], note="refunded 50.00", request_id=first_key) == closed
    assert resolve_card(system, dispute["id"], note="something else") == closed
    assert ledger(system, order_id) == book and len(payouts_of(system, order_id)) == 1


def test_an_order_completed_before_its_dispute_keeps_its_payout(system: System) -> None:
    order_id = in_progress(system)
    complete = create(system, PROVIDER, order_id, "COMPLETE", {"note": "delivered"})
    respond(system, BUYER, complete, "APPROVE")
    completed = wait_for(
        lambda: money(system, order_id),
        lambda order: order["state"] == "COMPLETED" and order["payment"]["payout"] is not None,
        what="the completion's payout",
    )
    [scheduled] = payouts_of(system, order_id)
    dispute = disputed(system, order_id)
    resolve_order(system, order_id)
    resolve_card(system, dispute["id"])
    after = wait_for(
        lambda: money(system, order_id), lambda order: not order["payment"]["reserveFrozen"], what="the release"
    )
    assert after["payment"]["payout"]["dueAt"] == completed["payment"]["payout"]["dueAt"]
    assert payouts_of(system, order_id) == [scheduled]


def test_a_complete_card_waits_while_the_dispute_is_open_and_is_accepted_by_the_system_after_it_closes(
    system: System,
) -> None:
    order_id = in_progress(system)
    complete = create(system, PROVIDER, order_id, "COMPLETE", {"note": "delivered"})
    dispute = disputed(system, order_id)
    advance_clock(system, 72 * 3600 + 60)
    now = service_now(system)
    postponed = wait_for(
        lambda: cards(system, "GetCard", cards_pb2.GetCardRequest(card_id=complete["id"])).card,
        lambda card: card.expires_at.ToDatetime(tzinfo=UTC) > now,
        what="the COMPLETE card's expiry put off while the dispute is open",
    )
    assert postponed.state == cards_pb2.CARD_STATE_OPEN and postponed.version == complete["version"]
    resolve_order(system, order_id)
    resolve_card(system, dispute["id"])
    advance_clock(system, 24 * 3600 + 60)
    closed = card_state(system, complete["id"], "CLOSED")
    assert closed["version"] > 1
    assert len(payouts_of(system, order_id)) == 1  # the dispute's settlement; the card's own finds it made


def test_hidden_media_leave_the_deliverables_and_restored_media_return(system: System) -> None:
    order_id = in_progress(system)
    first, second = upload_link(system, order_id, "look-1.jpg"), upload_link(system, order_id, "look-2.jpg")
    assert put(first["uploadUrl"], JPEG).status_code == 201 and put(second["uploadUrl"], JPEG).status_code == 201
    ids = [first["mediaId"], second["mediaId"]]
    gallery = {"media": [{"mediaId": media_id, "nsfw": False} for media_id in ids]}
    proofs = create(system, PROVIDER, order_id, "PROOFS", gallery)
    respond(system, BUYER, proofs, "APPROVE", {"mediaIds": ids, "final": True})
    served = system.gql(BUYER, DELIVERABLES, {"id": order_id})["order"]["deliverables"]
    assert [item["id"] for item in served] == ids
    link_before = served[0]["downloadUrl"]

    takedown = "DMCA takedown case_1"
    hide = cards_pb2.SetMediaHiddenRequest(request_id=key(), media_ids=[ids[0]], hidden=True, reason=takedown)
    with pytest.raises(DomainError) as buyer:
        cards(system, "SetMediaHidden", hide, caller="gateway", user=BUYER)
    assert buyer.value.code.name == "PERMISSION_DENIED"
    [hidden] = cards(system, "SetMediaHidden", hide).media
    assert (hidden.id, hidden.hidden, hidden.hidden_reason, hidden.order_id) == (ids[0], True, takedown, order_id)

    assert [item["id"] for item in system.gql(BUYER, DELIVERABLES, {"id": order_id})["order"]["deliverables"]] == [
        ids[1]
    ]
    listed = cards(system, "ListDeliverables", cards_pb2.ListDeliverablesRequest(order_id=order_id)).media
    assert [media.id for media in listed] == [ids[1]]  # support reads them too, without the hidden one
    # A link made before the takedown is a signature over the key: it works until it expires.
    assert httpx.get(link_before, trust_env=False).status_code == 200

    again = cards_pb2.SetMediaHiddenRequest(request_id=key(), media_ids=[ids[0]], hidden=True, reason="a later notice")
    assert cards(system, "SetMediaHidden", again).media[0].hidden_reason == takedown
    unknown = cards_pb2.SetMediaHiddenRequest(
        request_id=key(), media_ids=[ids[1], "med_unknown"], hidden=True, reason=takedown
    )
    with pytest.raises(DomainError) as bad:
        cards(system, "SetMediaHidden", unknown)
    assert [v.field for v in bad.value.violations] == ["media_ids[1]"]

    describe = cards_pb2.DescribeMediaRequest(media_ids=[ids[1], "med_unknown", ids[0]])
    described = cards(system, "DescribeMedia", describe).media
    assert [(m.id, m.hidden, m.uploader_id, m.filename) for m in described] == [
        (ids[1], False, PROVIDER, "look-2.jpg"),
        (ids[0], True, PROVIDER, "look-1.jpg"),
    ]
    agent = cards(
        system, "DescribeMedia", describe, caller="gateway", user="u_agent_1", roles=frozenset({"support_agent"})
    )
    assert [m.id for m in agent.media] == [ids[1], ids[0]]
    with pytest.raises(DomainError) as participant:
        cards(system, "DescribeMedia", describe, caller="gateway", user=PROVIDER)
    assert participant.value.code.name == "PERMISSION_DENIED"

    restore = cards_pb2.SetMediaHiddenRequest(
        request_id=key(), media_ids=[ids[0]], hidden=False, reason="counter-notice"
    )
    [back] = cards(system, "SetMediaHidden", restore).media
    assert not back.hidden and back.hidden_reason == ""
    restored = system.gql(BUYER, DELIVERABLES, {"id": order_id})["order"]["deliverables"]
    assert [item["id"] for item in restored] == ids
    assert httpx.get(restored[0]["downloadUrl"], trust_env=False).content == JPEG
