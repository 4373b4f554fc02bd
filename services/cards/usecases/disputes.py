"""Support resolves a DISPUTE card's case: the payout freeze the card made is released, the order's
payout is settled, and the card closes.

Support calls this once it has refunded what the case decided and orders has returned the order
to COMPLETED. Keeping to that sequence is support's part: orders shows an order to cards only on a
participant's behalf, never on support's, so cards does not look at the order's state here. The
owners are called first, outside any transaction, each under a key derived from the card, so a
repeat after a lost reply is answered once by its owner:

1. payments releases the freeze the card's ``freeze-payout`` step made (``dispute:<decision>``,
   the decision kept on the card when its effect started); a freeze that was never made (the step
   was refused, and the card withdrawn) is NOT_FOUND, which is fine;
2. payments settles the order (``payout:dispute:<card>``, completed now); it schedules a payout
   once per order, so an order completed before its dispute keeps the payout it had;
3. the card closes (OPEN → CLOSED, the note in its progress, ``card.closed.dispute``) in one
   local transaction. A card closed before is returned unchanged, with nothing called again.

While the card's own effect is still running (its freeze not yet made) the case cannot be
resolved: a freeze landing after the release would hold the payout for good. The caller retries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from callsheet.cards.v1 import cards_pb2
from callsheet_kit.errors import DomainError, ErrorCode, Violations, not_found, unavailable
from callsheet_kit.idempotency import check_key
from callsheet_kit.uow import caller_scope, execute, transactional
from callsheet_kit.validation import MAX_ID, check_text
from services.cards.domain.card import Card, CardSnapshot
from services.cards.domain.errors import CardsReason
from services.cards.domain.model import CardState, CardType
from services.cards.usecases.access import require_support
from services.cards.usecases.ports import CardsDeps, CardsUnitOfWork, Command

SCOPE = "cards.resolve-dispute"
MAX_NOTE = 2_000


@dataclass(frozen=True)
class ResolveDisputeCard(Command):
    """Support resolved the case of a DISPUTE card."""

    request_id: str
    card_id: str
    note: str


@dataclass(frozen=True)
class Unsettled:
    """A dispute card whose case is still to be settled at payments, as read before the calls."""

    card: Card
    resolved_at: datetime


def check_resolution(command: ResolveDisputeCard) -> None:
    """Support only; a key, a card and a note of bounded length."""
    require_support(command.caller, action="resolve a dispute card")
    check_key(command.request_id)
    violations = Violations()
    check_text(violations, "card_id", command.card_id, max_length=MAX_ID, required=True)
    check_text(violations, "note", command.note, max_length=MAX_NOTE, multiline=True)
    violations.raise_if_any()


def resolvable(card: Card | None) -> Card:
    """The DISPUTE card, OPEN or CLOSED; NOT_FOUND, or FAILED_PRECONDITION for any other card."""
    if card is None:
        raise not_found("card")
    if card.type is not CardType.DISPUTE:
        raise CardsReason.ACTION_NOT_ALLOWED.error(
            f"support resolves DISPUTE cards; this one is {CardType(card.type).value.upper()}"
        )
    if card.state not in (CardState.OPEN, CardState.CLOSED):
        raise CardsReason.CARD_NOT_OPEN.error(f"the card is {card.state.value.upper()}", state=card.state.value.upper())
    return card


async def unsettled(deps: CardsDeps, command: ResolveDisputeCard) -> Unsettled | None:
    """The OPEN dispute card to settle, read in a short transaction; None when it is closed already."""
    async with deps.uow() as uow:
        card = resolvable(await uow.card(command.card_id))
        if card.state is CardState.CLOSED:
            return None
        if await uow.effect_running(card):
            raise unavailable("the dispute's own effect is still being applied; try again shortly")
        return Unsettled(card, uow.now)


async def settle(deps: CardsDeps, dispute: Unsettled) -> None:
    """Releases the card's payout freeze and settles the payout."""
    card = dispute.card
    decision = card.effect_decision
    if decision is not None:
        try:
            await deps.effects.unfreeze_payout(order_id=card.order_id, card_id=card.card_id, decision=decision)
        except DomainError as refused:
            if refused.code is not ErrorCode.NOT_FOUND:
                raise  # NOT_FOUND: the freeze was never made, so there is nothing to release
    await deps.effects.schedule_payout_after_dispute(
        order_id=card.order_id, card_id=card.card_id, completed_at=dispute.resolved_at
    )


@transactional(idempotency=SCOPE)
async def close_dispute_card(uow: CardsUnitOfWork, command: ResolveDisputeCard) -> CardSnapshot:
    """Closes the settled DISPUTE card with the resolution's note; a closed one is returned as it is."""
    card = resolvable(await uow.card(command.card_id, lock=True))
    card.resolve_dispute(note=command.note.strip(), actor=command.caller.user_id, now=uow.now)
    responses = await uow.responses_of([card.card_id])
    return CardSnapshot(card, responses.get(card.card_id, []))


async def resolve_dispute_card(
    deps: CardsDeps,
    command: ResolveDisputeCard,
    request: cards_pb2.ResolveDisputeCardRequest,
    respond: Callable[[CardSnapshot], cards_pb2.ResolveDisputeCardResponse],
) -> cards_pb2.ResolveDisputeCardResponse:
    """Checks, answers a repeated key, settles at payments, then closes the card."""
    check_resolution(command)
    async with deps.uow() as uow:
        replay = await uow.peek(scope=caller_scope(SCOPE), key=command.request_id, request=request)
    if isinstance(replay, cards_pb2.ResolveDisputeCardResponse):
        return replay
    dispute = await unsettled(deps, command)
    if dispute is not None:
        await settle(deps, dispute)
    return await execute(close_dispute_card, command, uow=deps.uow(), request=request, respond=respond)
