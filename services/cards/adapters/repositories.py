"""The cards unit of work over PostgreSQL: cards, responses and the per-order lock."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import and_, func, not_, or_, select, update
from sqlalchemy.dialects.postgresql import insert

from callsheet_kit.domain import Aggregate, DomainEvent
from callsheet_kit.saga import UNFINISHED
from callsheet_kit.uow import KitParts, UnitOfWork
from services.cards.adapters.tables import (
    card_response_table,
    card_table,
    kit_tables,
    media_table,
    order_lock_table,
)
from services.cards.adapters.wire import encode_event
from services.cards.domain.card import Card, Response
from services.cards.domain.media import MediaRecord
from services.cards.domain.model import CardAction, CardState, CardType
from services.cards.usecases.effects import CARD_EFFECT
from services.cards.usecases.metrics import count_card_event


class SqlCardsUnitOfWork(UnitOfWork):
    """One transaction of cards; every card loaded or added is tracked for its events."""

    def __init__(self, parts: KitParts) -> None:
        super().__init__(parts, encode_event)

    def on_committed(self, aggregate: Aggregate, event: DomainEvent) -> None:
        """Counts a committed event of a card (``services.cards.usecases.metrics``)."""
        if isinstance(aggregate, Card):
            count_card_event(aggregate, event)

    async def card(self, card_id: str, *, lock: bool = False) -> Card | None:
        """A card (``FOR UPDATE`` when locking)."""
        query = select(Card).where(card_table.c.card_id == card_id)
        if lock:
            query = query.with_for_update()
        found = (await self.session.execute(query)).scalar()
        return self.track(found) if found is not None else None

    async def card_by_key(self, key: str) -> Card | None:
        """The card made under an idempotency key."""
        found = (await self.session.execute(select(Card).where(card_table.c.key == key))).scalar()
        return self.track(found) if found is not None else None

    async def cards_of(self, order_id: str) -> Sequence[Card]:
        """An order's cards, oldest first."""
        query = (
            select(Card)
            .where(card_table.c.order_id == order_id)
            .order_by(card_table.c.created_at, card_table.c.card_id)
        )
        return [self.track(card) for card in (await self.session.execute(query)).scalars()]

    async def cards_due(self, now: datetime, *, limit: int) -> Sequence[Card]:
        """OPEN cards past their expiry or due for their reminder, oldest deadline first, locked."""
        due = or_(card_table.c.expires_at <= now, and_(card_table.c.due_at <= now, not_(card_table.c.reminded)))
        query = (
            select(Card)
            .where(card_table.c.state == CardState.OPEN.value, due)
            .order_by(func.coalesce(card_table.c.due_at, card_table.c.expires_at))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [self.track(card) for card in (await self.session.execute(query)).scalars()]

    async def cards_stuck(self, before: datetime, *, limit: int) -> Sequence[Card]:
        """ACCEPTED cards decided before ``before`` and not escalated yet, oldest first, locked."""
        query = (
            select(Card)
            .where(
                card_table.c.state == CardState.ACCEPTED.value,
                card_table.c.accepted_at < before,
                not_(card_table.c.progress.has_key("escalated")),
            )
            .order_by(card_table.c.accepted_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [self.track(card) for card in (await self.session.execute(query)).scalars()]

    async def dispute_open(self, order_id: str) -> bool:
        """True while a DISPUTE card of the order is open."""
        found = await self.session.execute(
            select(card_table.c.card_id)
            .where(
                card_table.c.order_id == order_id,
                card_table.c.type == CardType.DISPUTE.value,
                card_table.c.state == CardState.OPEN.value,
            )
            .limit(1)
        )
        return found.first() is not None

    async def accepted_cards_of(self, order_id: str) -> Sequence[Card]:
        """An order's ACCEPTED cards, locked."""
        query = (
            select(Card)
            .where(card_table.c.order_id == order_id, card_table.c.state == CardState.ACCEPTED.value)
            .with_for_update()
        )
        return [self.track(card) for card in (await self.session.execute(query)).scalars()]

    async def open_cards_of(self, order_id: str) -> Sequence[Card]:
        """An order's OPEN cards, locked."""
        query = (
            select(Card)
            .where(card_table.c.order_id == order_id, card_table.c.state == CardState.OPEN.value)
            .order_by(card_table.c.created_at)
            .with_for_update()
        )
        return [self.track(card) for card in (await self.session.execute(query)).scalars()]

    def add_card(self, card: Card) -> None:
        """Adds a new card."""
        self.session.add(card)
        self.track(card)

    async def write(self) -> None:
        """Writes what is pending now (a new card before another row names it)."""
        await self.session.flush()

    async def add_media(self, media: MediaRecord) -> None:
        """Records a file of an order."""
        await self.session.execute(media_table.insert().values(**asdict(media)))

    async def media(self, media_ids: Sequence[str], *, lock: bool = False) -> Sequence[MediaRecord]:
        """Files by their ids (``FOR UPDATE`` in id order when locking, so two changes never deadlock)."""
        if not media_ids:
            return []
        query = select(media_table).where(media_table.c.media_id.in_(list(media_ids)))
        if lock:
            query = query.order_by(media_table.c.media_id).with_for_update()
        return [MediaRecord(**row._mapping) for row in await self.session.execute(query)]

    async def save_media(self, media: MediaRecord) -> None:
        """Writes a file's hidden state."""
        await self.session.execute(
            update(media_table)
            .where(media_table.c.media_id == media.media_id)
            .values(hidden_at=media.hidden_at, hidden_reason=media.hidden_reason)
        )

    async def effect_running(self, card: Card) -> bool:
        """True while a saga of the card's effects is running or compensating."""
        saga = kit_tables.saga
        found = await self.session.execute(
            select(saga.c.saga_id)
            .where(
                saga.c.subject == card.order_id,
                saga.c.kind == CARD_EFFECT,
                saga.c.key.startswith(f"{card.card_id}:", autoescape=True),
                saga.c.status.in_(UNFINISHED),
            )
            .limit(1)
        )
        return found.first() is not None

    async def lock_order(self, order_id: str) -> None:
        """Takes the order's lock row (made on first use) until the transaction ends."""
        await self.session.execute(
            insert(order_lock_table).values(order_id=order_id, created_at=self.now).on_conflict_do_nothing()
        )
        await self.session.execute(
            select(order_lock_table.c.order_id).where(order_lock_table.c.order_id == order_id).with_for_update()
        )

    async def add_response(self, card: Card, response: Response) -> None:
        """Keeps a response to a card."""
        await self.session.execute(
            card_response_table.insert().values(
                response_id=response.response_id,
                card_id=card.card_id,
                responder_user_id=response.responder_user_id or None,
                action=response.action.value,
                payload=response.payload,
                created_at=response.created_at,
            )
        )

    async def responses_of(self, card_ids: Sequence[str]) -> dict[str, list[Response]]:
        """The responses of cards, oldest first, by card."""
        if not card_ids:
            return {}
        rows = await self.session.execute(
            select(card_response_table)
            .where(card_response_table.c.card_id.in_(list(card_ids)))
            .order_by(card_response_table.c.created_at, card_response_table.c.response_id)
        )
        found: dict[str, list[Response]] = {}
        for row in rows:
            found.setdefault(row.card_id, []).append(
                Response(
                    row.response_id, row.responder_user_id or "", CardAction(row.action), row.payload, row.created_at
                )
            )
        return found
