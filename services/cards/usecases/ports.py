"""What the cards use cases need of the world: the cards store in a unit of work, and orders."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from callsheet_kit.identity import Caller
from callsheet_kit.storage import ObjectStore
from callsheet_kit.uow import Transaction
from services.cards.domain.card import Card, Response
from services.cards.domain.media import MediaRecord
from services.cards.domain.model import OrderView


class CardsUnitOfWork(Transaction, Protocol):
    """One transaction of a cards use case."""

    async def card(self, card_id: str, *, lock: bool = False) -> Card | None:
        """A card, tracked for its events (locked when asked)."""
        ...

    async def card_by_key(self, key: str) -> Card | None:
        """The card made under an idempotency key."""
        ...

    async def cards_of(self, order_id: str) -> Sequence[Card]:
        """An order's cards, oldest first, tracked for their events."""
        ...

    async def cards_due(self, now: datetime, *, limit: int) -> Sequence[Card]:
        """OPEN cards past their expiry or due for their reminder, locked (others' locked ones skipped)."""
        ...

    async def cards_stuck(self, before: datetime, *, limit: int) -> Sequence[Card]:
        """ACCEPTED cards decided before ``before`` and not escalated yet, locked (others' locked ones skipped)."""
        ...

    async def dispute_open(self, order_id: str) -> bool:
        """True while a DISPUTE card of the order is open."""
        ...

    async def accepted_cards_of(self, order_id: str) -> Sequence[Card]:
        """An order's ACCEPTED cards (their effect running), locked."""
        ...

    async def open_cards_of(self, order_id: str) -> Sequence[Card]:
        """An order's OPEN cards, locked."""
        ...

    def add_card(self, card: Card) -> None:
        """Adds a new card."""
        ...

    async def write(self) -> None:
        """Writes what is pending now (a new card before another row names it)."""
        ...

    async def add_media(self, media: MediaRecord) -> None:
        """Records a file of an order."""
        ...

    async def media(self, media_ids: Sequence[str], *, lock: bool = False) -> Sequence[MediaRecord]:
        """Files by their ids (locked when asked)."""
        ...

    async def save_media(self, media: MediaRecord) -> None:
        """Writes a file's changed state (hidden or restored)."""
        ...

    async def effect_running(self, card: Card) -> bool:
        """True while a saga of the card's effects may still act (its owners may still be called)."""
        ...

    async def lock_order(self, order_id: str) -> None:
        """Takes the order's lock row until the transaction ends: one card change at a time per order."""
        ...

    async def add_response(self, card: Card, response: Response) -> None:
        """Keeps a response to a card."""
        ...

    async def responses_of(self, card_ids: Sequence[str]) -> dict[str, list[Response]]:
        """The responses of cards, oldest first, by card."""
        ...


class OrdersPort(Protocol):
    """The calls cards makes to orders."""

    async def order_view(self, order_id: str, *, caller: Caller) -> OrderView:
        """The order as ``caller`` may see it now; NOT_FOUND for a stranger."""
        ...


@dataclass(frozen=True)
class CardsDeps:
    """What the cards use cases that call out need."""

    uow: Callable[[], CardsUnitOfWork]
    orders: OrdersPort
    effects: EffectsPort
    store: ObjectStore


@dataclass(frozen=True)
class Command:
    """What every command carries: who asks."""

    caller: Caller


class EffectsPort(Protocol):
    """The owning services' commands that the cards' decisions set off (each idempotent by the card)."""

    async def hold_slots(self, *, order_id: str, card_id: str, slots: list[tuple[datetime, datetime]]) -> None:
        """A calendar hold per proposed slot (SLOT_TAKEN when one overlaps a confirmed booking)."""
        ...

    async def release_holds(self, *, order_id: str, card_id: str, decision: str) -> None:
        """Releases the card's holds."""
        ...

    async def apply_reschedule(self, *, order_id: str, card_id: str, decision: str, slot_index: int) -> None:
        """The chosen hold becomes the order's event; the order's times move."""
        ...

    async def complete_order(self, *, order_id: str, card_id: str, decision: str) -> None:
        """IN_PROGRESS → COMPLETED."""
        ...

    async def dispute_order(self, *, order_id: str, card_id: str, decision: str) -> None:
        """→ DISPUTED."""
        ...

    async def charge_extras(
        self, *, order_id: str, card_id: str, decision: str, items: list[dict[str, Any]], currency: str
    ) -> None:
        """Charges the accepted extras."""
        ...

    async def add_expense(
        self, *, order_id: str, card_id: str, decision: str, items: list[dict[str, Any]], currency: str
    ) -> None:
        """Adds the approved expense to the settlement."""
        ...

    async def schedule_payout(self, *, order_id: str, card_id: str, decision: str, completed_at: datetime) -> None:
        """The final settlement and the payout."""
        ...

    async def freeze_payout(self, *, order_id: str, card_id: str, decision: str, reason: str) -> None:
        """Freezes the payout."""
        ...

    async def unfreeze_payout(self, *, order_id: str, card_id: str, decision: str) -> None:
        """Releases the freeze that ``decision`` made (NOT_FOUND when it never made one)."""
        ...

    async def schedule_payout_after_dispute(self, *, order_id: str, card_id: str, completed_at: datetime) -> None:
        """The final settlement once support resolved the card's dispute (once per order at payments)."""
        ...
