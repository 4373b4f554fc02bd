"""Opening, answering and withdrawing cards: one transaction each, under the order's lock.

The order is read from orders right before the transaction (its state and participants decide
what may happen, and a stale copy would let a card through on an order that moved on); the
card's own row carries its version, so two answers racing on one card end with one applied and
the other CONFLICT. A card is made once per order, type and client key
(``<order>:card:<type>:<key>``, unique in the table), whatever the number of identical clicks.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from callsheet_kit.errors import Violations, idempotency_mismatch, not_found
from callsheet_kit.idempotency import check_key
from callsheet_kit.identity import Caller
from callsheet_kit.ids import new_id
from callsheet_kit.uow import transactional
from services.cards.domain.card import Card, CardSnapshot, Responded, open_types, visible_to
from services.cards.domain.model import CardAction, CardState, CardType, OrderView
from services.cards.usecases.effects import effects_of, start_effect
from services.cards.usecases.ports import CardsUnitOfWork, Command

# The card types whose effect is cards' own, applied with the decision.
LOCAL_EFFECTS = frozenset({CardType.PROOFS})


def card_key(order_id: str, card_type: CardType, request_id: str) -> str:
    """The plan's idempotency key of a card: ``order:card:type:nonce``."""
    return f"{order_id}:card:{card_type.value}:{request_id}"


def client_nonce(caller: Caller, request_id: str) -> str:
    """The nonce of a card's key: the client's idempotency key, of that client (participants' keys never meet)."""
    return f"{caller.user_id}.{request_id}"


def card_id_for(key: str) -> str:
    """A card's id, from its key: a repeated request names the same card (its holds included) before it exists."""
    return "crd_" + hashlib.sha256(key.encode()).hexdigest()[:26]


def counter_key(card: Card) -> str:
    """The key of the card a COUNTER of ``card`` opens."""
    return card_key(card.order_id, CardType(card.type), f"counter:{card.card_id}")


def media_refs(card_type: CardType, action: CardAction | None, payload: dict[str, Any]) -> list[tuple[str, str]]:
    """The media a checked payload names, with their fields: a proof gallery, receipts, evidence."""
    if card_type is CardType.PROOFS and action in (None, CardAction.UPLOAD):
        return [(f"payload.media[{i}].mediaId", item["mediaId"]) for i, item in enumerate(payload.get("media", []))]
    if card_type is CardType.EXPENSE and action is None:
        return [
            (f"payload.items[{i}].receiptMediaId", item["receiptMediaId"]) for i, item in enumerate(payload["items"])
        ]
    if card_type is CardType.DISPUTE:
        named = "evidenceMediaIds" if action is None else "mediaIds"
        return [(f"payload.{named}[{i}]", media) for i, media in enumerate(payload.get(named, []))]
    return []


async def require_media(uow: CardsUnitOfWork, order_id: str, refs: list[tuple[str, str]]) -> None:
    """INVALID_ARGUMENT naming every field whose media was not uploaded for this order, or is hidden by support."""
    if not refs:
        return
    known = {
        media.media_id: media
        for media in await uow.media([media_id for _, media_id in refs])
        if media.order_id == order_id
    }
    violations = Violations()
    for field_name, media_id in refs:
        media = known.get(media_id)
        if media is None:
            violations.add(field_name, "is not media uploaded for this order (createMediaUpload)")
        elif media.hidden:
            violations.add(field_name, "is media support has taken down")
    violations.raise_if_any()


@dataclass(frozen=True)
class CreateCard(Command):
    """A participant opens a card."""

    request_id: str
    order: OrderView
    card_type: CardType
    payload: Any


@dataclass(frozen=True)
class RespondToCard(Command):
    """A participant answers a card."""

    request_id: str
    card_id: str
    order: OrderView
    action: CardAction
    payload: Any
    expected_version: int


@dataclass(frozen=True)
class CancelCard(Command):
    """The creator withdraws a card."""

    request_id: str
    card_id: str
    order: OrderView
    expected_version: int


@transactional(idempotency="cards.create")
async def create_card(uow: CardsUnitOfWork, command: CreateCard) -> Card:
    """Opens a card once per order, type and key, after every rule of its type."""
    check_key(command.request_id)
    order = command.order
    key = card_key(order.order_id, command.card_type, client_nonce(command.caller, command.request_id))
    await uow.lock_order(order.order_id)
    made = await uow.card_by_key(key)
    if made is not None:
        if made.created_by != command.caller.user_id:
            raise idempotency_mismatch()
        return made
    existing = await uow.cards_of(order.order_id)
    card = Card.open(
        card_id=card_id_for(key),
        key=key,
        order=order,
        card_type=command.card_type,
        creator_id=command.caller.user_id,
        raw_payload=command.payload,
        open_types=open_types(existing),
        now=uow.now,
    )
    await require_media(uow, order.order_id, media_refs(card.type, None, card.payload))
    uow.add_card(card)
    if card.type is CardType.DISPUTE:
        await start_effect(uow, card, "dispute-order")
    return card


async def visible_card(uow: CardsUnitOfWork, command: RespondToCard | CancelCard) -> Card:
    """The card, locked, when the caller takes part in its order; NOT_FOUND otherwise."""
    card = await uow.card(command.card_id, lock=True) if command.card_id else None
    if (
        card is None
        or not visible_to(card, command.caller.user_id, is_staff=False)
        or card.order_id != command.order.order_id
    ):
        raise not_found("card")
    return card


@transactional(idempotency="cards.respond")
async def respond_to_card(uow: CardsUnitOfWork, command: RespondToCard) -> CardSnapshot:
    """Answers a card at the version the responder saw; a counter opens the replacing card."""
    check_key(command.request_id)
    await uow.lock_order(command.order.order_id)
    card = await visible_card(uow, command)
    done: Responded = card.respond(
        order=command.order,
        responder_id=command.caller.user_id,
        action=command.action,
        raw_payload=command.payload,
        expected_version=command.expected_version,
        response_id=new_id("rsp"),
        now=uow.now,
    )
    await require_media(uow, card.order_id, media_refs(CardType(card.type), command.action, done.response.payload))
    await uow.add_response(card, done.response)
    if done.counter_payload is not None:
        others = [other for other in await uow.cards_of(card.order_id) if other.card_id != card.card_id]
        counter = Card.open(
            card_id=card_id_for(counter_key(card)),
            key=counter_key(card),
            order=command.order,
            card_type=CardType(card.type),
            creator_id=command.caller.user_id,
            raw_payload=done.counter_payload,
            open_types=open_types(others),
            now=uow.now,
        )
        uow.add_card(counter)
        await uow.write()
        card.superseded(counter.card_id, actor=command.caller.user_id, now=uow.now)
    if card.state is CardState.ACCEPTED and CardType(card.type) in LOCAL_EFFECTS:
        # The final approval of proofs makes the approved media the order's deliverables: the
        # card itself holds them, so the effect is applied in this same transaction.
        card.applied(now=uow.now)
    await effects_of(uow, card, was=CardState.OPEN)
    responses = await uow.responses_of([card.card_id])
    return CardSnapshot(card, responses.get(card.card_id, []))


@transactional(idempotency="cards.cancel")
async def cancel_card(uow: CardsUnitOfWork, command: CancelCard) -> CardSnapshot:
    """The creator withdraws an OPEN card."""
    check_key(command.request_id)
    card = await visible_card(uow, command)
    card.cancel(
        order=command.order, user_id=command.caller.user_id, expected_version=command.expected_version, now=uow.now
    )
    await effects_of(uow, card, was=CardState.OPEN)
    responses = await uow.responses_of([card.card_id])
    return CardSnapshot(card, responses.get(card.card_id, []))
