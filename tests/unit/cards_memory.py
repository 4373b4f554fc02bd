"""An in-memory cards unit of work, and owners that record what the cards engine asks of them.

The transaction guard is on (``MemoryUnitOfWork`` enters it), and the recording owners refuse a
call made inside a unit of work, as the real gRPC clients do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from memory import MemoryUnitOfWork, World

from callsheet_kit.db import require_no_transaction
from callsheet_kit.errors import not_found
from callsheet_kit.identity import Caller
from callsheet_kit.storage import ObjectStore
from services.cards.domain.card import Card, Response
from services.cards.domain.media import MediaRecord
from services.cards.domain.model import CardState, CardType, OrderView
from services.cards.usecases.effects import CARD_EFFECT
from services.cards.usecases.ports import CardsDeps


@dataclass
class CardsStore:
    """What cards keeps: cards, their responses and the media of orders."""

    cards: dict[str, Card] = field(default_factory=dict)
    responses: dict[str, list[Response]] = field(default_factory=dict)
    media: dict[str, MediaRecord] = field(default_factory=dict)


class MemoryCardsUnitOfWork(MemoryUnitOfWork):
    """``CardsUnitOfWork`` over dicts."""

    def __init__(self, world: World, store: CardsStore) -> None:
        super().__init__(world)
        self.store = store

    async def card(self, card_id: str, *, lock: bool = False) -> Card | None:
        found = self.store.cards.get(card_id)
        return self.track(found) if found is not None else None

    async def card_by_key(self, key: str) -> Card | None:
        return next((self.track(c) for c in self.store.cards.values() if c.key == key), None)

    async def cards_of(self, order_id: str) -> Sequence[Card]:
        return [self.track(c) for c in self.store.cards.values() if c.order_id == order_id]

    async def cards_due(self, now: datetime, *, limit: int) -> Sequence[Card]:
        return []

    async def cards_stuck(self, before: datetime, *, limit: int) -> Sequence[Card]:
        return []

    async def dispute_open(self, order_id: str) -> bool:
        return any(
            c.order_id == order_id and c.type is CardType.DISPUTE and c.state is CardState.OPEN
            for c in self.store.cards.values()
        )

    async def accepted_cards_of(self, order_id: str) -> Sequence[Card]:
        return [c for c in await self.cards_of(order_id) if c.state is CardState.ACCEPTED]

    async def open_cards_of(self, order_id: str) -> Sequence[Card]:
        return [c for c in await self.cards_of(order_id) if c.state is CardState.OPEN]

    def add_card(self, card: Card) -> None:
        self.store.cards[card.card_id] = self.track(card)

    async def write(self) -> None:
        return None

    async def add_media(self, media: MediaRecord) -> None:
        self.store.media[media.media_id] = media

    async def media(self, media_ids: Sequence[str], *, lock: bool = False) -> Sequence[MediaRecord]:
        return [self.store.media[m] for m in sorted(set(media_ids)) if m in self.store.media]

    async def save_media(self, media: MediaRecord) -> None:
        self.store.media[media.media_id] = media

    async def effect_running(self, card: Card) -> bool:
        return any(
            s.kind == CARD_EFFECT and s.key.startswith(f"{card.card_id}:") and not s.status.finished
            for s in self.world.sagas
        )

    async def lock_order(self, order_id: str) -> None:
        return None

    async def add_response(self, card: Card, response: Response) -> None:
        self.store.responses.setdefault(card.card_id, []).append(response)

    async def responses_of(self, card_ids: Sequence[str]) -> dict[str, list[Response]]:
        return {c: list(self.store.responses[c]) for c in card_ids if c in self.store.responses}


@dataclass
class RecordingOwners:
    """Orders and payments as the cards engine calls them: each call recorded; freezes and payouts kept."""

    orders: dict[str, OrderView] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    freezes: set[str] = field(default_factory=set)
    payouts: dict[str, str] = field(default_factory=dict)  # order → the request id that scheduled it

    def _called(self, name: str, **arguments: Any) -> None:
        require_no_transaction(name)
        self.calls.append((name, arguments))

    def named(self, name: str) -> list[dict[str, Any]]:
        """The arguments of every call of ``name``, in order."""
        return [arguments for called, arguments in self.calls if called == name]

    async def order_view(self, order_id: str, *, caller: Caller) -> OrderView:
        self._called("order_view", order_id=order_id)
        return self.orders[order_id]

    async def freeze_payout(self, *, order_id: str, card_id: str, decision: str, reason: str) -> None:
        self._called("freeze_payout", order_id=order_id, decision=decision)
        self.freezes.add(f"dispute:{decision}")

    async def unfreeze_payout(self, *, order_id: str, card_id: str, decision: str) -> None:
        self._called("unfreeze_payout", order_id=order_id, decision=decision)
        if f"dispute:{decision}" not in self.freezes:
            raise not_found("freeze")
        self.freezes.discard(f"dispute:{decision}")

    async def schedule_payout_after_dispute(self, *, order_id: str, card_id: str, completed_at: datetime) -> None:
        self._called("schedule_payout_after_dispute", order_id=order_id, completed_at=completed_at)
        self.payouts.setdefault(order_id, f"payout:dispute:{card_id}")


class NoStore:
    """An object store whose links name the key (nothing is stored)."""

    async def put(self, key: str, data: bytes, *, content_type: str) -> None:
        return None

    def download_url(self, key: str) -> str:
        return f"https://files.test/{key}"

    def upload_url(self, key: str, *, content_type: str, max_bytes: int) -> tuple[str, datetime]:
        raise AssertionError("no upload is made here")


def cards_deps(world: World, store: CardsStore, owners: RecordingOwners) -> CardsDeps:
    """The cards dependencies over memory and the recording owners."""
    files: ObjectStore = NoStore()
    return CardsDeps(
        uow=lambda: MemoryCardsUnitOfWork(world, store),  # type: ignore[arg-type, return-value]
        orders=owners,
        effects=owners,  # type: ignore[arg-type]
        store=files,
    )
