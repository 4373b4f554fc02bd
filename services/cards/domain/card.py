"""The card aggregate: one mid-order change, from its request to its close.

OPEN → ACCEPTED while its effect runs (in the owning services, by a saga) → CLOSED once applied;
a DISPUTE card stays OPEN until support resolves its case, and then closes at once.
DECLINED, EXPIRED, CANCELLED, SUPERSEDED and CLOSED are final. Every change bumps the version
(a response or a cancellation names the version it saw: a stale one is CONFLICT) and records an
event: ``card.requested.<type>``, ``card.responded.<type>``, ``card.expiring.<type>`` (once, at
``due_at``) and ``card.closed.<type>`` (with the final state).

Who may do what, and the order-wide exclusions, are checked here before anything changes:
strangers get NOT_FOUND, the wrong participant PERMISSION_DENIED, a bad payload INVALID_ARGUMENT
naming every bad field, a state that does not allow it FAILED_PRECONDITION.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from callsheet_kit.domain import Aggregate, DomainEvent
from callsheet_kit.errors import Violations, conflict, invalid_field, not_found, permission_denied
from services.cards.domain.errors import CardsReason
from services.cards.domain.kinds import KINDS
from services.cards.domain.kinds.base import CardKind, Context, OnExpiry, Outcome, Payload, Responder
from services.cards.domain.kinds.dispute import window_closes
from services.cards.domain.kinds.proofs import MAX_CHANGE_ROUNDS
from services.cards.domain.model import (
    FINAL_STATES,
    CardAction,
    CardState,
    CardType,
    OrderState,
    OrderView,
    Party,
)

# A decided card whose effect is not applied after this long is escalated.
STUCK_AFTER = timedelta(minutes=5)

# When the soft deadline falls: a day before the card expires, or halfway for a card that lives two days or less.
REMINDER_LEAD = timedelta(hours=24)


def due_at(created: datetime, expires: datetime | None) -> datetime | None:
    """The soft deadline that drives the ``card.expiring`` reminder."""
    if expires is None:
        return None
    lifetime = expires - created
    return created + lifetime / 2 if lifetime <= 2 * REMINDER_LEAD else expires - REMINDER_LEAD


@dataclass(frozen=True, kw_only=True)
class CardEvent(DomainEvent):
    """Something that happened to a card of an order."""

    order_id: str
    card_type: CardType


@dataclass(frozen=True, kw_only=True)
class CardRequested(CardEvent):
    """A participant opened a card for the counterpart."""

    payload: Payload
    due_at: datetime | None
    expires_at: datetime | None


@dataclass(frozen=True, kw_only=True)
class CardResponded(CardEvent):
    """A participant responded (``state`` is the card's after it)."""

    response_id: str
    action: CardAction
    payload: Payload
    state: CardState


@dataclass(frozen=True, kw_only=True)
class CardExpiring(CardEvent):
    """The card's soft deadline came: it expires at ``expires_at``."""

    expires_at: datetime | None


@dataclass(frozen=True, kw_only=True)
class CardReopened(CardEvent):
    """The decision's effect was refused for good: the card is OPEN again."""

    reason: str


@dataclass(frozen=True, kw_only=True)
class CardStuck(CardEvent):
    """The decision's effect has not been applied within ``STUCK_AFTER``: a person should look."""


@dataclass(frozen=True, kw_only=True)
class CardClosed(CardEvent):
    """The card reached a final state (``CLOSED`` once its effect was applied)."""

    state: CardState
    superseded_by: str | None = None


@dataclass(frozen=True)
class Response:
    """One response as the card keeps it."""

    response_id: str
    responder_user_id: str
    action: CardAction
    payload: Payload
    created_at: datetime


@dataclass(frozen=True)
class Responded:
    """What a response did: the response, its outcome, and (for a counter) the replacing proposal."""

    response: Response
    outcome: Outcome
    counter_payload: Payload | None = None


def kind_of(card_type: CardType) -> CardKind:
    """The rules of a card type."""
    return KINDS[card_type]


def party_of(order: OrderView, user_id: str) -> Party:
    """The caller's side; NOT_FOUND for a stranger (they may not learn the order exists)."""
    party = order.party_of(user_id)
    if party is None:
        raise not_found("order")
    return party


def require_can_open(
    kind: CardKind, order: OrderView, creator: Party, open_types: Iterable[CardType], now: datetime
) -> None:
    """The order-wide rules a new card must meet (checked under the order's lock)."""
    if creator not in kind.creators:
        raise permission_denied(
            f"only the {' or '.join(sorted(p.value for p in kind.creators))} opens a {kind.type.value} card"
        )
    if order.state is OrderState.DISPUTED:
        raise CardsReason.ORDER_DISPUTED.error("the order is disputed: nothing changes until support resolves it")
    if order.state not in kind.order_states:
        raise CardsReason.ORDER_STATE.error(
            f"a {kind.type.value} card needs the order {' or '.join(sorted(s.value.upper() for s in kind.order_states))};"
            f" it is {order.state.value.upper()}",
            state=order.state.value.upper(),
        )
    opened = set(open_types)
    if kind.type in opened:
        raise CardsReason.CARD_ALREADY_OPEN.error(f"a {kind.type.value} card is already open on this order")
    for one, other in ((CardType.COMPLETE, CardType.RESCHEDULE), (CardType.RESCHEDULE, CardType.COMPLETE)):
        if kind.type is one and other in opened:
            raise CardsReason.CARDS_EXCLUDE.error(f"no {one.value} card while a {other.value} card is open")
    if kind.type is CardType.DISPUTE and now > window_closes(order):
        raise CardsReason.DISPUTE_WINDOW_CLOSED.error(
            f"disputes are opened within {order.dispute_window_days} days after the end"
        )


def check_payload(check: Any, value: Any, context: Context) -> Payload:
    """Runs a payload check; INVALID_ARGUMENT naming every bad field, else the normalized payload."""
    violations = Violations()
    checked: Payload = check(violations, value, context)
    violations.raise_if_any()
    return checked


class Card(Aggregate):
    """A card of an order."""

    card_id: str
    order_id: str
    type: CardType
    state: CardState
    version: int
    created_by: str | None
    creator_party: Party
    buyer_id: str
    provider_id: str
    key: str
    payload: Payload
    progress: dict[str, Any]
    due_at: datetime | None
    expires_at: datetime | None
    reminded: bool
    superseded_by: str | None
    accepted_at: datetime | None
    closed_at: datetime | None
    effect_version: int | None
    created_at: datetime
    updated_at: datetime

    def __init__(
        self,
        *,
        card_id: str,
        order: OrderView,
        card_type: CardType,
        creator_id: str,
        creator_party: Party,
        key: str,
        payload: Payload,
        now: datetime,
    ) -> None:
        kind = kind_of(card_type)
        lifetime = kind.lifetime(order, now)
        self.card_id = card_id
        self.order_id = order.order_id
        self.type = card_type
        self.state = CardState.OPEN
        self.version = 1
        self.created_by = creator_id
        self.creator_party = creator_party
        # The order's participants, kept with the card: who may read it needs no call to orders.
        self.buyer_id = order.buyer_id
        self.provider_id = order.provider_id
        self.key = key
        self.payload = payload
        self.progress = {}
        self.expires_at = now + lifetime if lifetime is not None else None
        self.due_at = due_at(now, self.expires_at)
        self.reminded = False
        self.superseded_by = None
        self.accepted_at = None
        self.closed_at = None
        self.effect_version = None
        self.created_at = now
        self.updated_at = now
        self.record(
            CardRequested(
                actor=creator_id,
                occurred_at=now,
                order_id=self.order_id,
                card_type=card_type,
                payload=payload,
                due_at=self.due_at,
                expires_at=self.expires_at,
            )
        )

    @classmethod
    def open(
        cls,
        *,
        card_id: str,
        key: str,
        order: OrderView,
        card_type: CardType,
        creator_id: str,
        raw_payload: Any,
        open_types: Iterable[CardType],
        now: datetime,
    ) -> Card:
        """A new OPEN card, after every rule: who, the order's state and cards, the payload."""
        kind = kind_of(card_type)
        creator = party_of(order, creator_id)
        require_can_open(kind, order, creator, open_types, now)
        payload = check_payload(kind.check_create, raw_payload, Context(order=order, now=now, creator=creator))
        return cls(
            card_id=card_id,
            order=order,
            card_type=card_type,
            creator_id=creator_id,
            creator_party=creator,
            key=key,
            payload=payload,
            now=now,
        )

    @property
    def event_subject(self) -> str:
        """Card events are about the order (one stream per order keeps them in order)."""
        return self.order_id

    @property
    def kind(self) -> CardKind:
        """The rules of this card's type."""
        return kind_of(CardType(self.type))

    def respond(
        self,
        *,
        order: OrderView,
        responder_id: str,
        action: CardAction,
        raw_payload: Any,
        expected_version: int,
        response_id: str,
        now: datetime,
    ) -> Responded:
        """A participant's response, after every rule; returns what it did."""
        responder = party_of(order, responder_id)
        kind = self.kind
        rule = kind.responses.get(action)
        if rule is None:
            allowed = ", ".join(a.value.upper() for a in kind.responses)
            raise invalid_field("action", f"a {self.type.value} card takes {allowed}")
        if expected_version != self.version:
            raise conflict(self.version)
        if order.state is OrderState.DISPUTED and self.type is not CardType.DISPUTE:
            raise CardsReason.ORDER_DISPUTED.error("the order is disputed: nothing changes until support resolves it")
        if order.state not in kind.order_states and not (
            self.type is CardType.DISPUTE and order.state is OrderState.DISPUTED
        ):
            raise CardsReason.ORDER_STATE.error(
                f"a {self.type.value} card is answered while the order is "
                f"{' or '.join(sorted(s.value.upper() for s in kind.order_states))}; it is {order.state.value.upper()}",
                state=order.state.value.upper(),
            )
        if self.state is not CardState.OPEN:
            raise CardsReason.CARD_NOT_OPEN.error(
                f"the card is {self.state.value.upper()}", state=self.state.value.upper()
            )
        if rule.by is Responder.COUNTERPART and responder is self.creator_party:
            raise permission_denied("only the counterpart of the card's creator responds to it")
        if rule.by is Responder.PROVIDER and responder is not Party.PROVIDER:
            raise permission_denied("only the provider uploads a new round")
        self._require_in_loop(action)
        context = Context(
            order=order, now=now, creator=self.creator_party, card_payload=self.payload, progress=self.progress
        )
        payload = check_payload(rule.check, raw_payload, context)
        outcome = kind.outcome(action, payload, self.progress)
        response = Response(response_id, responder_id, action, payload, now)
        self._advance(action, payload)
        counter = None
        if outcome is Outcome.ACCEPTS:
            self.state, self.accepted_at = CardState.ACCEPTED, now
        elif outcome is Outcome.DECLINES:
            self.state, self.closed_at = CardState.DECLINED, now
        elif outcome is Outcome.SUPERSEDES:
            self.state, self.closed_at = CardState.SUPERSEDED, now
            counter = payload
        self._bump(now)
        self.record(
            CardResponded(
                actor=responder_id,
                occurred_at=now,
                order_id=self.order_id,
                card_type=CardType(self.type),
                response_id=response_id,
                action=action,
                payload=payload,
                state=CardState(self.state),
            )
        )
        if self.state is CardState.DECLINED:
            self._closed(actor=responder_id, now=now)
        return Responded(response, outcome, counter)

    def _require_in_loop(self, action: CardAction) -> None:
        """PROOFS: an upload answers a change request; at most three change requests."""
        if self.type is not CardType.PROOFS:
            return
        waiting = bool(self.progress.get("awaitingUpload"))
        if action is CardAction.UPLOAD and not waiting:
            raise CardsReason.ACTION_NOT_ALLOWED.error("a new round is uploaded after changes were requested")
        if action is CardAction.REQUEST_CHANGES:
            if waiting:
                raise CardsReason.ACTION_NOT_ALLOWED.error(
                    "changes were requested; the provider's new round comes first"
                )
            if int(self.progress.get("changeRounds", 0)) >= MAX_CHANGE_ROUNDS:
                raise CardsReason.CHANGE_ROUNDS_USED.error(f"at most {MAX_CHANGE_ROUNDS} rounds of changes")

    def _advance(self, action: CardAction, payload: Payload) -> None:
        """Keeps what a loop has gathered: approved proofs, rounds, evidence."""
        progress = dict(self.progress)
        if action is CardAction.APPROVE and self.type is CardType.PROOFS:
            progress["approved"] = sorted(set(progress.get("approved", [])) | set(payload["mediaIds"]))
        elif action is CardAction.REQUEST_CHANGES:
            progress["changeRounds"] = int(progress.get("changeRounds", 0)) + 1
            progress["awaitingUpload"] = True
        elif action is CardAction.UPLOAD and self.type is CardType.PROOFS:
            progress["rounds"] = [*progress.get("rounds", []), payload["media"]]
            progress["awaitingUpload"] = False
        elif action is CardAction.UPLOAD:
            progress["evidenceMediaIds"] = [*progress.get("evidenceMediaIds", []), *payload["mediaIds"]]
        self.progress = progress

    def reopen(self, *, reason: str, now: datetime) -> None:
        """The decision's effect was refused for good by its owner (the slot was booked meanwhile,
        the card declined): the card is OPEN again, with the reason in its progress."""
        if self.state is not CardState.ACCEPTED:
            return
        if self.progress.get("orderCancelled"):
            self._finish(CardState.CANCELLED, actor="", now=now)  # nothing to decide on a cancelled order
            return
        self.state, self.accepted_at = CardState.OPEN, None
        progress = {key: value for key, value in self.progress.items() if key != "escalated"}
        self.progress = {**progress, "lastFailure": reason}
        # A fresh deadline, as long as the card's first: the participants decide again.
        if self.expires_at is not None:
            lifetime = self.expires_at - self.created_at
            self.expires_at, self.due_at, self.reminded = now + lifetime, due_at(now, now + lifetime), False
        self._bump(now)
        self.record(
            CardReopened(
                actor="", occurred_at=now, order_id=self.order_id, card_type=CardType(self.type), reason=reason
            )
        )

    def order_cancelled(self) -> None:
        """Notes that the order was cancelled while this card's effect ran: a refusal withdraws it."""
        self.progress = {**self.progress, "orderCancelled": True}

    def postpone(self, *, until: datetime, now: datetime) -> None:
        """Moves an OPEN card's expiry (a COMPLETE is not accepted by the system while a dispute is open)."""
        self.expires_at, self.updated_at = until, now

    def superseded(self, by_card_id: str, *, actor: str, now: datetime) -> None:
        """Links a countered card to the card that replaced it, and closes it."""
        self.superseded_by = by_card_id
        self._bump(now)
        self._closed(actor=actor, now=now)

    def cancel(self, *, order: OrderView, user_id: str, expected_version: int, now: datetime) -> None:
        """The creator withdraws an OPEN card."""
        party_of(order, user_id)
        if expected_version != self.version:
            raise conflict(self.version)
        if user_id != self.created_by:
            raise permission_denied("only the card's creator cancels it")
        if self.state is not CardState.OPEN:
            raise CardsReason.CARD_NOT_OPEN.error(
                f"the card is {self.state.value.upper()}", state=self.state.value.upper()
            )
        self._finish(CardState.CANCELLED, actor=user_id, now=now)

    def withdraw(self, *, now: datetime) -> bool:
        """The order was cancelled: an OPEN card is cancelled by the system; False when it was not open."""
        if self.state is not CardState.OPEN:
            return False
        self._finish(CardState.CANCELLED, actor="", now=now)
        return True

    def expire(self, *, now: datetime) -> bool:
        """Past ``expires_at`` and unanswered: EXPIRED, or (COMPLETE) accepted by the system."""
        if self.state is not CardState.OPEN or self.expires_at is None or self.expires_at > now:
            return False
        if self.kind.on_expiry is OnExpiry.ACCEPTED:
            self.state, self.accepted_at = CardState.ACCEPTED, now
            self._bump(now)
            self.record(
                CardResponded(
                    actor="",
                    occurred_at=now,
                    order_id=self.order_id,
                    card_type=CardType(self.type),
                    response_id="",
                    action=CardAction.APPROVE,
                    payload={"bySystem": True},
                    state=CardState.ACCEPTED,
                )
            )
            return True
        self._finish(CardState.EXPIRED, actor="", now=now)
        return True

    def remind(self, *, now: datetime) -> bool:
        """At ``due_at``, once: ``card.expiring.<type>``."""
        if self.state is not CardState.OPEN or self.reminded or self.due_at is None or self.due_at > now:
            return False
        self.reminded = True
        self._bump(now)
        self.record(
            CardExpiring(
                actor="",
                occurred_at=now,
                order_id=self.order_id,
                card_type=CardType(self.type),
                expires_at=self.expires_at,
            )
        )
        return True

    def escalate(self, *, now: datetime) -> bool:
        """ACCEPTED for longer than ``STUCK_AFTER`` with its effect unapplied: ``card.stuck.<type>``, once."""
        if self.state is not CardState.ACCEPTED or self.progress.get("escalated") or self.accepted_at is None:
            return False
        if now - self.accepted_at < STUCK_AFTER:
            return False
        self.progress = {**self.progress, "escalated": True}
        self._bump(now)
        self.record(CardStuck(actor="", occurred_at=now, order_id=self.order_id, card_type=CardType(self.type)))
        return True

    def applied(self, *, now: datetime) -> bool:
        """The effect of the decision was applied: ACCEPTED → CLOSED; False when it was closed before."""
        if self.state is not CardState.ACCEPTED:
            return False
        self._finish(CardState.CLOSED, actor="", now=now)
        return True

    def effect_started(self) -> str:
        """Notes that the effect of the card's current decision starts; returns that decision
        (the card and its version), which names the owners' request ids of the effect."""
        self.effect_version = self.version
        return f"{self.card_id}:{self.version}"

    @property
    def effect_decision(self) -> str | None:
        """The decision whose effect was started last (``card:version``), None before any."""
        return f"{self.card_id}:{self.effect_version}" if self.effect_version is not None else None

    def resolve_dispute(self, *, note: str, actor: str, now: datetime) -> bool:
        """Support resolved the case of this OPEN DISPUTE card: CLOSED, with the resolution's note
        in its progress; False (nothing changes) when it was closed before."""
        if self.type is not CardType.DISPUTE:
            raise CardsReason.ACTION_NOT_ALLOWED.error(
                f"support resolves DISPUTE cards; this one is {self.type.value.upper()}"
            )
        if self.state is CardState.CLOSED:
            return False
        if self.state is not CardState.OPEN:
            raise CardsReason.CARD_NOT_OPEN.error(
                f"the card is {self.state.value.upper()}", state=self.state.value.upper()
            )
        self.progress = {**self.progress, "resolutionNote": note}
        self._finish(CardState.CLOSED, actor=actor, now=now)
        return True

    def _finish(self, state: CardState, *, actor: str, now: datetime) -> None:
        self.state = state
        self._bump(now)
        self._closed(actor=actor, now=now)

    def _closed(self, *, actor: str, now: datetime) -> None:
        assert self.state in FINAL_STATES
        self.closed_at = now
        self.record(
            CardClosed(
                actor=actor,
                occurred_at=now,
                order_id=self.order_id,
                card_type=CardType(self.type),
                state=CardState(self.state),
                superseded_by=self.superseded_by,
            )
        )

    def _bump(self, now: datetime) -> None:
        self.version += 1
        self.updated_at = now


def visible_to(card: Card, user_id: str, *, is_staff: bool) -> bool:
    """Only the order's participants (and staff) learn that a card exists."""
    return is_staff or (bool(user_id) and user_id in (card.buyer_id, card.provider_id))


def open_types(cards: Iterable[Card]) -> set[CardType]:
    """The types of the OPEN cards among ``cards`` (ACCEPTED ones still running their effect count too)."""
    return {CardType(card.type) for card in cards if card.state in (CardState.OPEN, CardState.ACCEPTED)}


def actions_for(card: Card, order: OrderView, user_id: str) -> list[CardAction]:
    """What ``user_id`` can do on ``card`` now (the ``openActions`` of the order page)."""
    party = order.party_of(user_id)
    if party is None or card.state is not CardState.OPEN:
        return []
    if order.state is OrderState.DISPUTED and card.type is not CardType.DISPUTE:
        return []
    found = []
    for action, rule in card.kind.responses.items():
        if rule.by is Responder.COUNTERPART and party is card.creator_party:
            continue
        if rule.by is Responder.PROVIDER and party is not Party.PROVIDER:
            continue
        if card.type is CardType.PROOFS:
            waiting = bool(card.progress.get("awaitingUpload"))
            if (action is CardAction.UPLOAD) != waiting and action is not CardAction.APPROVE:
                continue
            if action is CardAction.REQUEST_CHANGES and int(card.progress.get("changeRounds", 0)) >= MAX_CHANGE_ROUNDS:
                continue
        found.append(action)
    return found


@dataclass(frozen=True)
class CardSnapshot:
    """A card as read, with its responses (for the API)."""

    card: Card
    responses: list[Response] = field(default_factory=list)


def deliverables(card: Card) -> list[Mapping[str, Any]]:
    """The media a final PROOFS approval made the order's deliverables, with their NSFW flags."""
    approved = set(card.progress.get("approved", []))
    gallery = [*card.payload.get("media", []), *(item for round_ in card.progress.get("rounds", []) for item in round_)]
    return [item for item in gallery if item["mediaId"] in approved]
