"""Support resolving a DISPUTE card, on the aggregate and through the use case on an in-memory unit of work.

The card closes with the resolution's note and ``card.closed.dispute``; the freeze its own effect
made is released under the decision the card kept; the payout is settled once; a repeat calls
nobody and changes nothing; only the support service may do it, and not while the card's own
effect is still running.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from cards_memory import CardsStore, MemoryCardsUnitOfWork, RecordingOwners, cards_deps
from memory import NOW, World

from callsheet.cards.v1 import cards_pb2
from callsheet_kit.errors import DomainError, ErrorCode
from callsheet_kit.identity import Caller
from callsheet_kit.saga import SagaStatus
from services.cards.adapters.wire import encode_card
from services.cards.domain.card import Card, CardClosed
from services.cards.domain.model import CardState, CardType, OrderState, OrderView
from services.cards.usecases.commands import CreateCard, create_card
from services.cards.usecases.disputes import ResolveDisputeCard, resolve_dispute_card

BUYER, PROVIDER = "u_b", "u_p"
SUPPORT = Caller(service="support")
DISPUTE = {"reason": "late", "description": "two hours late"}


def view(state: OrderState = OrderState.IN_PROGRESS) -> OrderView:
    return OrderView("ord_1", BUYER, PROVIDER, state, NOW - timedelta(hours=1), NOW + timedelta(hours=1), version=3)


def dispute_card(card_type: CardType = CardType.DISPUTE) -> Card:
    payload: Any = DISPUTE if card_type is CardType.DISPUTE else {"note": "done"}
    return Card.open(
        card_id="crd_1",
        key="k",
        order=view(),
        card_type=card_type,
        creator_id=BUYER,
        raw_payload=payload,
        open_types=set(),
        now=NOW,
    )


def test_an_open_dispute_closes_with_its_note_and_its_closed_event() -> None:
    card = dispute_card()
    card.pull_events()
    assert card.resolve_dispute(note="refunded 50.00", actor="", now=NOW + timedelta(days=1))
    assert (card.state, card.version, card.progress["resolutionNote"]) == (CardState.CLOSED, 2, "refunded 50.00")
    assert card.closed_at == NOW + timedelta(days=1)
    [closed] = card.pull_events()
    assert isinstance(closed, CardClosed) and closed.state is CardState.CLOSED and closed.card_type is CardType.DISPUTE


def test_a_closed_dispute_is_left_as_it_is_and_other_cards_are_not_support_s_to_resolve() -> None:
    card = dispute_card()
    card.resolve_dispute(note="first", actor="", now=NOW)
    card.pull_events()
    assert not card.resolve_dispute(note="second", actor="", now=NOW + timedelta(hours=1))
    assert (card.version, card.progress["resolutionNote"], card.pull_events()) == (2, "first", [])
    with pytest.raises(DomainError) as other:
        dispute_card(CardType.COMPLETE).resolve_dispute(note="", actor="", now=NOW)
    assert (other.value.code, other.value.reason) == (ErrorCode.FAILED_PRECONDITION, "ACTION_NOT_ALLOWED")
    withdrawn = dispute_card()
    withdrawn.withdraw(now=NOW)
    with pytest.raises(DomainError) as cancelled:
        withdrawn.resolve_dispute(note="", actor="", now=NOW)
    assert cancelled.value.reason == "CARD_NOT_OPEN"


def test_the_decision_whose_effect_started_is_kept_on_the_card() -> None:
    assert dispute_card().effect_decision is None
    card = dispute_card()
    assert card.effect_started() == "crd_1:1"
    card.resolve_dispute(note="", actor="", now=NOW)
    assert (card.version, card.effect_decision) == (2, "crd_1:1")  # the freeze's decision, not the close's


class Setup:
    """A disputed order with its DISPUTE card opened through ``create_card``."""

    def __init__(self) -> None:
        self.world, self.store, self.owners = World(), CardsStore(), RecordingOwners()
        self.deps = cards_deps(self.world, self.store, self.owners)

    async def open_dispute(self) -> Card:
        command = CreateCard(
            caller=Caller(user_id=BUYER, service="gateway"),
            request_id="r1",
            order=view(),
            card_type=CardType.DISPUTE,
            payload=DISPUTE,
        )
        async with MemoryCardsUnitOfWork(self.world, self.store) as uow:
            card = await create_card(uow, command)
            await uow.commit()
        return card

    def effect_ran(self, *, froze: bool = True) -> None:
        """The card's saga finished: orders marked the order DISPUTED and (when ``froze``) payments froze."""
        for saga in self.world.sagas:
            saga.status = SagaStatus.COMPLETED
        if froze:
            self.owners.freezes.add(
                f"dispute:{self.world.sagas[0].data['cardId']}:{self.world.sagas[0].data['decision']}"
            )

    async def resolve(self, card_id: str, *, request_id: str = "case-1", caller: Caller = SUPPORT) -> cards_pb2.Card:
        request = cards_pb2.ResolveDisputeCardRequest(request_id=request_id, card_id=card_id, note="refund 20.00")
        command = ResolveDisputeCard(caller=caller, request_id=request_id, card_id=card_id, note=request.note)
        response = await resolve_dispute_card(
            self.deps,
            command,
            request,
            respond=lambda snapshot: cards_pb2.ResolveDisputeCardResponse(card=encode_card(snapshot)),
        )
        return response.card


@pytest.mark.asyncio
async def test_support_releases_the_freeze_settles_the_payout_and_closes_the_card_once() -> None:
    setup = Setup()
    card = await setup.open_dispute()
    setup.effect_ran()
    closed = await setup.resolve(card.card_id)
    assert closed.state == cards_pb2.CARD_STATE_CLOSED and '"resolutionNote":"refund 20.00"' in closed.progress_json
    [release] = setup.owners.named("unfreeze_payout")
    assert release["decision"] == f"{card.card_id}:1" and not setup.owners.freezes
    [payout] = setup.owners.named("schedule_payout_after_dispute")
    assert payout["completed_at"] == NOW
    assert [type(event).__name__ for event in setup.world.published][-1] == "CardClosed"

    calls = len(setup.owners.calls)
    again = await setup.resolve(card.card_id, request_id="case-1-again")
    assert again == closed and len(setup.owners.calls) == calls  # nothing called, nothing changed
    assert await setup.resolve(card.card_id) == closed  # the same key answers the first response


@pytest.mark.asyncio
async def test_a_freeze_never_made_is_no_obstacle() -> None:
    setup = Setup()
    card = await setup.open_dispute()
    setup.effect_ran(froze=False)
    assert (await setup.resolve(card.card_id)).state == cards_pb2.CARD_STATE_CLOSED
    assert len(setup.owners.named("schedule_payout_after_dispute")) == 1


@pytest.mark.asyncio
async def test_only_support_resolves_and_not_before_the_card_s_own_effect_ran() -> None:
    setup = Setup()
    card = await setup.open_dispute()
    for caller in (Caller(user_id=BUYER, service="gateway"), Caller(user_id="u_agent", roles=frozenset({"admin"}))):
        with pytest.raises(DomainError) as denied:
            await setup.resolve(card.card_id, caller=caller)
        assert denied.value.code is ErrorCode.PERMISSION_DENIED
    with pytest.raises(DomainError) as running:
        await setup.resolve(card.card_id)
    assert running.value.code is ErrorCode.UNAVAILABLE  # the freeze may still land: retry later
    assert setup.owners.calls == [] and setup.store.cards[card.card_id].state is CardState.OPEN
    with pytest.raises(DomainError) as unknown:
        await setup.resolve("crd_unknown")
    assert unknown.value.code is ErrorCode.NOT_FOUND
