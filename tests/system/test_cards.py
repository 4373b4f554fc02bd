"""Action cards through the gateway on the real services: opening, answering, withdrawing, who may do
what, payload checks, idempotency under identical clicks, and one winner among racing responders."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from saga_tools import BUYER, PROVIDER, advance_clock, checkout, key, quote, wait_for
from system_client import CONFIRM, GraphQLError, System, rpc_all_at_once
from test_ledger import ledger

from callsheet.cards.v1 import cards_pb2, cards_pb2_grpc
from callsheet_kit.errors import DomainError

CREATE = """mutation($i: CreateCardInput!) { createCard(input: $i) {
  id orderId type state version createdBy dueAt expiresAt supersededBy payload responses { action payload } } }"""
RESPOND = """mutation($i: RespondToCardInput!) { respondToCard(input: $i) {
  id state version supersededBy responses { responderUserId action payload } } }"""
CANCEL = "mutation($i: CancelCardInput!) { cancelCard(input: $i) { id state version } }"
CARDS = """query($id: ID!) { order(id: $id) { cards { id type state version supersededBy }
  openActions { id type } } }"""
CARD = "query($id: ID!) { card(id: $id) { id state version } }"
EXTRAS = {"items": [{"description": "second look", "quantity": 2, "unitAmountCents": 5_000}], "currency": "USD"}
STRANGER = "u_buyer_2"


def confirmed(system: System) -> str:
    order = checkout(system, quote(system)["id"], key())
    system.gql(PROVIDER, CONFIRM, {"i": {"orderId": order["id"], "expectedVersion": 1, "idempotencyKey": key()}})
    wait_for(lambda: ledger(system, order["id"]), lambda found: len(found["entries"]) >= 2, what="the capture")
    return str(order["id"])


def create(system: System, user: str, order_id: str, card_type: str, payload: Any, idempotency_key: str = "") -> Any:
    variables = {
        "i": {"orderId": order_id, "type": card_type, "payload": payload, "idempotencyKey": idempotency_key or key()}
    }
    return system.gql(user, CREATE, variables)["createCard"]


def respond(system: System, user: str, card: dict[str, Any], action: str, payload: Any = None) -> Any:
    variables = {
        "i": {
            "cardId": card["id"],
            "action": action,
            "payload": payload,
            "expectedVersion": card["version"],
            "idempotencyKey": key(),
        }
    }
    return system.gql(user, RESPOND, variables)["respondToCard"]


def test_extras_are_opened_by_the_provider_and_answered_by_the_buyer_alone(system: System) -> None:
    order_id = confirmed(system)
    card = create(system, PROVIDER, order_id, "EXTRAS", EXTRAS)
    assert (card["type"], card["state"], card["version"], card["createdBy"]) == ("EXTRAS", "OPEN", 1, PROVIDER)
    assert card["expiresAt"] is not None and card["dueAt"] is not None
    buyer_view = system.gql(BUYER, CARDS, {"id": order_id})["order"]
    provider_view = system.gql(PROVIDER, CARDS, {"id": order_id})["order"]
    assert [c["id"] for c in buyer_view["openActions"]] == [card["id"]] and provider_view["openActions"] == []

    with pytest.raises(GraphQLError) as creator:
        respond(system, PROVIDER, card, "ACCEPT")
    assert creator.value.code == "PERMISSION_DENIED"
    with pytest.raises(GraphQLError) as stranger:
        respond(system, STRANGER, card, "ACCEPT")
    assert stranger.value.code == "NOT_FOUND"
    assert system.gql(STRANGER, CARD, {"id": card["id"]})["card"] is None
    with pytest.raises(GraphQLError) as second:
        create(system, PROVIDER, order_id, "EXTRAS", EXTRAS)
    assert (second.value.code, second.value.extensions.get("reason")) == ("FAILED_PRECONDITION", "CARD_ALREADY_OPEN")

    declined = respond(system, BUYER, card, "DECLINE")
    assert (declined["state"], declined["version"]) == ("DECLINED", 2)
    assert [(r["responderUserId"], r["action"]) for r in declined["responses"]] == [(BUYER, "DECLINE")]
    with pytest.raises(GraphQLError) as stale:
        respond(system, BUYER, card, "ACCEPT")
    assert stale.value.code == "CONFLICT"


def test_bad_payloads_name_their_fields_and_change_nothing(system: System) -> None:
    order_id = confirmed(system)
    bad = {"items": [{"description": "", "quantity": 0, "unitAmountCents": 100}], "currency": "EUR"}
    with pytest.raises(GraphQLError) as refused:
        create(system, PROVIDER, order_id, "EXTRAS", bad)
    assert refused.value.code == "INVALID_ARGUMENT"
    fields = {v["field"] for v in refused.value.extensions["violations"]}
    assert fields == {"input.payload.items[0].description", "input.payload.items[0].quantity", "input.payload.currency"}
    with pytest.raises(GraphQLError) as wrong_side:
        create(system, BUYER, order_id, "EXTRAS", EXTRAS)
    assert wrong_side.value.code == "PERMISSION_DENIED"
    with pytest.raises(GraphQLError) as not_yet:
        create(system, BUYER, order_id, "COMPLETE", {})
    assert not_yet.value.extensions.get("reason") == "ORDER_STATE"
    assert system.gql(BUYER, CARDS, {"id": order_id})["order"]["cards"] == []


def test_a_reschedule_countered_is_superseded_by_the_responders_proposal(system: System) -> None:
    order_id = confirmed(system)
    order = system.gql(BUYER, "query($id: ID!) { order(id: $id) { startUtc endUtc } }", {"id": order_id})["order"]

    def moved(days: int) -> dict[str, str]:
        from datetime import datetime, timedelta

        start, end = (
            datetime.fromisoformat(order[k].replace("Z", "+00:00")) + timedelta(hours=3 * days)
            for k in ("startUtc", "endUtc")
        )
        return {"startUtc": start.isoformat().replace("+00:00", "Z"), "endUtc": end.isoformat().replace("+00:00", "Z")}

    card = create(system, BUYER, order_id, "RESCHEDULE", {"slots": [moved(1), moved(2)], "reason": "rain"})
    countered = respond(system, PROVIDER, card, "COUNTER", {"slots": [moved(3)]})
    assert countered["state"] == "SUPERSEDED" and countered["supersededBy"]
    cards = system.gql(BUYER, CARDS, {"id": order_id})["order"]["cards"]
    assert [(c["type"], c["state"]) for c in cards] == [("RESCHEDULE", "SUPERSEDED"), ("RESCHEDULE", "OPEN")]
    assert cards[1]["id"] == countered["supersededBy"]
    # The buyer may now answer the provider's proposal; the provider withdraws it instead.
    assert [c["id"] for c in system.gql(BUYER, CARDS, {"id": order_id})["order"]["openActions"]] == [cards[1]["id"]]
    cancelled = system.gql(
        PROVIDER,
        CANCEL,
        {"i": {"cardId": cards[1]["id"], "expectedVersion": cards[1]["version"], "idempotencyKey": key()}},
    )
    assert cancelled["cancelCard"]["state"] == "CANCELLED"


def card_request(order_id: str, request_id: str) -> cards_pb2.CreateCardRequest:
    return cards_pb2.CreateCardRequest(
        request_id=request_id, order_id=order_id, type=cards_pb2.CARD_TYPE_EXTRAS, payload_json=json.dumps(EXTRAS)
    )


def test_two_hundred_identical_clicks_make_one_card_and_fifty_racing_answers_make_one_response(system: System) -> None:
    order_id = confirmed(system)
    clicks = [card_request(order_id, "same-click")] * 200
    answers = rpc_all_at_once(
        system, "cards", cards_pb2_grpc.CardsServiceStub, "CreateCard", clicks, caller="gateway", user=PROVIDER
    )
    made = {answer.card.id for answer in answers if isinstance(answer, cards_pb2.CreateCardResponse)}
    assert len(made) == 1, [a for a in answers if not isinstance(a, cards_pb2.CreateCardResponse)][:3]
    [card_id] = made
    assert len(system.gql(BUYER, CARDS, {"id": order_id})["order"]["cards"]) == 1

    racing = [
        cards_pb2.RespondToCardRequest(
            request_id=uuid.uuid4().hex, card_id=card_id, action=cards_pb2.CARD_ACTION_DECLINE, expected_version=1
        )
        for _ in range(50)
    ]
    results = rpc_all_at_once(
        system, "cards", cards_pb2_grpc.CardsServiceStub, "RespondToCard", racing, caller="gateway", user=BUYER
    )
    won = [r for r in results if isinstance(r, cards_pb2.RespondToCardResponse)]
    lost = [r for r in results if isinstance(r, DomainError)]
    assert len(won) == 1 and len(lost) == 49 and {error.code.name for error in lost} == {"CONFLICT"}
    card = system.gql(BUYER, CARD, {"id": card_id})["card"]
    assert (card["state"], card["version"]) == ("DECLINED", 2)


def test_an_unanswered_card_expires_on_the_service_clock(system: System) -> None:
    order_id = confirmed(system)
    card = create(system, PROVIDER, order_id, "EXTRAS", EXTRAS)
    advance_clock(system, 24 * 3600 + 60)  # past its due time: reminded, once
    reminded = wait_for(
        lambda: system.gql(BUYER, CARD, {"id": card["id"]})["card"],
        lambda found: found["version"] == card["version"] + 1,
        what="the reminder",
    )
    assert reminded["state"] == "OPEN"
    advance_clock(system, 24 * 3600)  # past its expiry
    expired = wait_for(
        lambda: system.gql(BUYER, CARD, {"id": card["id"]})["card"],
        lambda found: found["state"] == "EXPIRED",
        what="the expiry",
    )
    assert expired["version"] == card["version"] + 2
    assert system.gql(BUYER, CARDS, {"id": order_id})["order"]["openActions"] == []


def media(system: System, order_id: str, *, user: str = PROVIDER, name: str = "file.jpg") -> str:
    """The id of a new media of the order (its upload link made; the bytes are not needed to name it)."""
    variables = {"i": {"orderId": order_id, "filename": name, "contentType": "image/jpeg", "nsfw": False}}
    query = "mutation($i: CreateMediaUploadInput!) { createMediaUpload(input: $i) { mediaId } }"
    return str(system.gql(user, query, variables)["createMediaUpload"]["mediaId"])
