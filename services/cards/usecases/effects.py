"""What a card's decision sets off in the owning services, as sagas on the kit's runner.

A decision commits with its saga (one per card, effect and the card's version then, so it starts once);
the saga runs right after the commit, and the sweeper of any replica retries it with backoff
until the owners answer. Sagas of one order run one at a time, in the order they were started.
Each step calls an owner under a request id derived from the card, so a step repeated after a
crash is applied once.

| card | when | steps |
|---|---|---|
| RESCHEDULE | accepted | orders applies the chosen slot, then the card closes |
| RESCHEDULE | declined, expired, cancelled, countered | orders releases its holds |
| EXTRAS | accepted | payments charges them (receipt, ledger), then the card closes |
| EXPENSE | approved | payments adds it to the settlement, then the card closes |
| COMPLETE | approved (or by the system after 72 h) | orders completes the order, payments schedules the payout, the card closes |
| DISPUTE | opened | orders marks the order DISPUTED, payments freezes the payout (the card stays open until support resolves) |

When support resolves a dispute, the freeze is released under the decision that made it, kept on
the card as ``effect_version`` (see ``disputes``).

An owner's refusal that is final (the slot was booked meanwhile, the card declined, the payout
already released) reopens the card with the reason in its progress, so the participants can
decide again; a refusal of a dispute withdraws it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from callsheet_kit import failpoints
from callsheet_kit.errors import DomainError
from callsheet_kit.saga import Complete, Finished, Next, Outcome, Saga, SagaFlow
from services.cards.domain.card import Card
from services.cards.domain.model import CardState, CardType
from services.cards.usecases.ports import CardsDeps, CardsUnitOfWork

CARD_EFFECT = "card-effect"
# How long an effect is retried before it is escalated to a person.
EFFECT_DEADLINE = timedelta(days=2)

# The first step of each effect, and the step after each step ("close" ends the saga).
APPLY = {
    CardType.RESCHEDULE: "apply-reschedule",
    CardType.EXTRAS: "charge-extras",
    CardType.EXPENSE: "add-expense",
    CardType.COMPLETE: "complete-order",
}
AFTER = {
    "apply-reschedule": "close",
    "charge-extras": "close",
    "add-expense": "close",
    "complete-order": "schedule-payout",
    "schedule-payout": "close",
    "dispute-order": "freeze-payout",
}


async def start_effect(uow: CardsUnitOfWork, card: Card, step: str, data: dict[str, Any] | None = None) -> None:
    """Starts the saga of one effect of a card, in the decision's transaction.

    Once per card, step and version: a repeated decision starts nothing twice, and a card that was
    reopened and decided again gets the effect of its new decision.
    """
    # Kept on the card: when support resolves a dispute, the payout freeze is released under the
    # decision that made it, possibly long after the saga's row was pruned.
    card.effect_started()
    await uow.start_saga(
        kind=CARD_EFFECT,
        key=f"{card.card_id}:{step}:{card.version}",
        subject=card.order_id,
        step=step,
        data={"cardId": card.card_id, "orderId": card.order_id, "decision": card.version, **(data or {})},
        deadline=uow.now + EFFECT_DEADLINE,
    )


async def effects_of(uow: CardsUnitOfWork, card: Card, *, was: CardState) -> None:
    """Starts what a card's change sets off: ``was`` is its state before the change."""
    state, card_type = CardState(card.state), CardType(card.type)
    if state is CardState.ACCEPTED and was is CardState.OPEN and card_type in APPLY:
        await start_effect(uow, card, APPLY[card_type])
    elif card_type is CardType.RESCHEDULE and state in (
        CardState.DECLINED,
        CardState.EXPIRED,
        CardState.CANCELLED,
        CardState.SUPERSEDED,
    ):
        await start_effect(uow, card, "release-holds")


def decision_of(saga: Saga) -> str:
    """The decision a saga applies, as the owners' request ids name it: the card and its version then."""
    return f"{saga.data['cardId']}:{saga.data.get('decision', 0)}"


@dataclass(frozen=True)
class CardEffects(SagaFlow):
    """The steps of every card effect."""

    deps: CardsDeps
    kind = CARD_EFFECT
    steps = tuple(sorted({*AFTER, *AFTER.values(), "release-holds", "reopen", "withdraw"}))

    async def _card(self, saga: Saga) -> Card:
        async with self.deps.uow() as uow:
            card = await uow.card(str(saga.data["cardId"]))
        assert card is not None
        return card

    async def run(self, saga: Saga) -> Outcome:
        """Runs one step; a final refusal of an owner reopens the card (see the module's table)."""
        step, order_id, card_id = saga.step, str(saga.data["orderId"]), str(saga.data["cardId"])
        effects = self.deps.effects
        if step == "release-holds":
            await effects.release_holds(order_id=order_id, card_id=card_id, decision=decision_of(saga))
            return Complete()
        if step in ("close", "reopen", "withdraw"):
            return await self._finish(saga)
        card = await self._card(saga)
        try:
            await self._call(step, card, saga)
            # Tests end the process here, between an owner's answer and the card's close.
            failpoints.hit("card_effect.after_call")
        except DomainError as error:
            if error.code.name in ("UNAVAILABLE", "INTERNAL"):
                raise
            return Next("withdraw" if card.type is CardType.DISPUTE else "reopen", {"failure": error.message})
        following = AFTER.get(step)
        return Next(following) if following else Complete()

    async def _call(self, step: str, card: Card, saga: Saga) -> None:
        effects, payload = self.deps.effects, card.payload
        order_id, card_id, decision = card.order_id, card.card_id, decision_of(saga)
        if step == "apply-reschedule":
            responses = await self._accepted_slot(card)
            await effects.apply_reschedule(order_id=order_id, card_id=card_id, decision=decision, slot_index=responses)
        elif step == "charge-extras":
            await effects.charge_extras(
                order_id=order_id,
                card_id=card_id,
                decision=decision,
                items=payload["items"],
                currency=payload["currency"],
            )
        elif step == "add-expense":
            await effects.add_expense(
                order_id=order_id,
                card_id=card_id,
                decision=decision,
                items=payload["items"],
                currency=payload["currency"],
            )
        elif step == "complete-order":
            try:
                await effects.complete_order(order_id=order_id, card_id=card_id, decision=decision)
            except DomainError as refused:
                # Completed by this card's earlier decision, whose payout step was refused: go on to it.
                if not (refused.reason == "INVALID_TRANSITION" and refused.metadata.get("state") == "COMPLETED"):
                    raise
        elif step == "schedule-payout":
            completed: datetime = card.accepted_at or card.updated_at
            await effects.schedule_payout(order_id=order_id, card_id=card_id, decision=decision, completed_at=completed)
        elif step == "dispute-order":
            await effects.dispute_order(order_id=order_id, card_id=card_id, decision=decision)
        elif step == "freeze-payout":
            await effects.freeze_payout(
                order_id=order_id, card_id=card_id, decision=decision, reason=f"booking dispute: {payload['reason']}"
            )
        else:
            raise ValueError(f"no step {step} in a card effect")

    async def _accepted_slot(self, card: Card) -> int:
        async with self.deps.uow() as uow:
            responses = (await uow.responses_of([card.card_id])).get(card.card_id, [])
        accepted = [r for r in responses if r.payload.get("slotIndex") is not None]
        return int(accepted[-1].payload["slotIndex"])

    async def _finish(self, saga: Saga) -> Outcome:
        """The last step, in one local transaction with the saga's end: close, reopen or withdraw the card."""
        async with self.deps.uow() as uow:
            card = await uow.card(str(saga.data["cardId"]), lock=True)
            assert card is not None
            if saga.step == "close":
                card.applied(now=uow.now)
            elif saga.step == "reopen":
                card.reopen(reason=str(saga.data.get("failure", "")), now=uow.now)
            else:
                card.withdraw(now=uow.now)
            ended = await uow.finish_saga(saga)
            await uow.commit()
        return Finished(ended)
