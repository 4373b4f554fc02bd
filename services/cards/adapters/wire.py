"""Cards as protobuf messages, and the proto enums by their domain names."""

from __future__ import annotations

import json
from typing import Any

from google.protobuf.message import Message

from callsheet.cards.v1 import cards_pb2, events_pb2
from callsheet_kit.domain import Aggregate, DomainEvent
from callsheet_kit.proto import timestamp
from services.cards.domain.card import (
    Card,
    CardClosed,
    CardEvent,
    CardExpiring,
    CardReopened,
    CardRequested,
    CardResponded,
    CardSnapshot,
    CardStuck,
    Response,
    actions_for,
)
from services.cards.domain.media import MediaRecord
from services.cards.domain.model import CardAction, CardState, CardType, OrderView

TYPES: dict[CardType, Any] = {kind: getattr(cards_pb2, f"CARD_TYPE_{kind.name}") for kind in CardType}
STATES: dict[CardState, Any] = {state: getattr(cards_pb2, f"CARD_STATE_{state.name}") for state in CardState}
ACTIONS: dict[CardAction, Any] = {action: getattr(cards_pb2, f"CARD_ACTION_{action.name}") for action in CardAction}
TYPES_BY_WIRE = {value: kind for kind, value in TYPES.items()}
STATES_BY_WIRE = {value: state for state, value in STATES.items()}
ACTIONS_BY_WIRE = {value: action for action, value in ACTIONS.items()}


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def encode_response(response: Response) -> cards_pb2.CardResponse:
    """A response as the API shows it."""
    return cards_pb2.CardResponse(
        id=response.response_id,
        responder_user_id=response.responder_user_id,
        action=ACTIONS[response.action],
        payload_json=_json(response.payload),
        created_at=timestamp(response.created_at),
    )


def encode_card(snapshot: CardSnapshot, *, viewer: str = "", order: OrderView | None = None) -> cards_pb2.Card:
    """A card as the API shows it; with the order, also what ``viewer`` can do on it now."""
    card = snapshot.card
    message = cards_pb2.Card(
        id=card.card_id,
        order_id=card.order_id,
        type=TYPES[CardType(card.type)],
        state=STATES[CardState(card.state)],
        version=card.version,
        created_by=card.created_by or "",
        superseded_by=card.superseded_by or "",
        payload_json=_json(card.payload),
        progress_json=_json(card.progress),
        responses=[encode_response(response) for response in snapshot.responses],
        created_at=timestamp(card.created_at),
        updated_at=timestamp(card.updated_at),
    )
    if card.due_at is not None:
        message.due_at.CopyFrom(timestamp(card.due_at))
    if card.expires_at is not None:
        message.expires_at.CopyFrom(timestamp(card.expires_at))
    if order is not None:
        message.actions.extend(ACTIONS[action] for action in actions_for(card, order, viewer))
    return message


def encode_media_info(media: MediaRecord) -> cards_pb2.MediaInfo:
    """What support is told of one file."""
    return cards_pb2.MediaInfo(
        id=media.media_id,
        order_id=media.order_id,
        uploader_id=media.uploader_id,
        filename=media.filename,
        content_type=media.content_type,
        nsfw=media.nsfw,
        hidden=media.hidden,
        hidden_reason=media.hidden_reason or "",
        created_at=timestamp(media.created_at),
    )


def encode_event(aggregate: Aggregate, event: DomainEvent) -> Message | None:
    """The message published for a card's event (``card.<what>.<type>``)."""
    if not isinstance(aggregate, Card) or not isinstance(event, CardEvent):
        return None
    card, card_type = encode_card(CardSnapshot(aggregate)), TYPES[event.card_type]
    match event:
        case CardRequested():
            return events_pb2.CardRequested(card=card, type=card_type)
        case CardResponded():
            response = Response(event.response_id, event.actor, event.action, event.payload, event.occurred_at)
            return events_pb2.CardResponded(card=card, type=card_type, response=encode_response(response))
        case CardExpiring():
            return events_pb2.CardExpiring(card=card, type=card_type)
        case CardClosed():
            return events_pb2.CardClosed(card=card, type=card_type)
        case CardReopened():
            return events_pb2.CardReopened(card=card, type=card_type, reason=event.reason)
        case CardStuck():
            return events_pb2.CardStuck(card=card, type=card_type)
    return None
