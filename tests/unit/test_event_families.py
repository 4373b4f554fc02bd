"""Families of events: one message whose enum field ends the event type, taken by one handler."""

from __future__ import annotations

from test_card_rules import NOW, PAYLOADS, order

from callsheet.cards.v1 import cards_pb2, events_pb2
from callsheet_kit.events import event_family, event_type_for, event_type_of
from services.cards.adapters.wire import encode_event
from services.cards.domain.card import Card
from services.cards.domain.model import CardAction, CardType, OrderState, OrderView


def test_a_card_event_is_typed_by_its_card_type() -> None:
    message = events_pb2.CardRequested(type=cards_pb2.CARD_TYPE_RESCHEDULE)
    assert event_type_of(events_pb2.CardRequested) == "card.requested"
    assert event_type_for(message) == "card.requested.reschedule"
    assert event_type_for(events_pb2.CardClosed(type=cards_pb2.CARD_TYPE_EXTRAS)) == "card.closed.extras"
    assert event_family("card.responded.request_changes") == "card.responded"


def test_every_event_of_a_card_is_encoded_with_the_card_as_committed() -> None:
    view: OrderView = order(OrderState.IN_PROGRESS)
    card = Card.open(
        card_id="crd_1",
        key="k",
        order=view,
        card_type=CardType.COMPLETE,
        creator_id=view.provider_id,
        raw_payload=PAYLOADS[CardType.COMPLETE],
        open_types=set(),
        now=NOW,
    )
    card.respond(
        order=view,
        responder_id=view.buyer_id,
        action=CardAction.APPROVE,
        raw_payload=None,
        expected_version=1,
        response_id="rsp_1",
        now=NOW,
    )
    card.applied(now=NOW)
    messages = [encode_event(card, event) for event in card.pull_events()]
    assert [event_type_for(m) for m in messages if m is not None] == [
        "card.requested.complete",
        "card.responded.complete",
        "card.closed.complete",
    ]
    responded = messages[1]
    assert isinstance(responded, events_pb2.CardResponded)
    assert (responded.response.id, responded.response.responder_user_id) == ("rsp_1", view.buyer_id)
