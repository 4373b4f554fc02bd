"""Releasing an order's authorization: the compensation of a checkout that made no order.

Idempotent by the order. For a payment still AUTHORIZING (the provider's answer was lost) the
provider is asked for the hold it made for the order, which is then released, so no hold is
left behind; if it made none, the payment ends as failed.
"""

from __future__ import annotations

from dataclasses import dataclass

from callsheet_kit.identity import Caller
from services.payments.domain.payment import Payment, PaymentStatus
from services.payments.usecases.access import require_orders
from services.payments.usecases.ports import Command, PaymentsDeps


@dataclass(frozen=True)
class VoidAuthorization(Command):
    """Orders asks to release an order's hold."""

    order_id: str


async def void_authorization(deps: PaymentsDeps, command: VoidAuthorization) -> Payment | None:
    """Releases the hold; None when the order never had a payment."""
    require_orders(command.caller)
    return await release_hold(deps, command.order_id, actor=command.caller)


async def release_hold(deps: PaymentsDeps, order_id: str, *, actor: Caller) -> Payment | None:
    """Voids an order's authorization (completing a half-made one first); leaves any other state alone."""
    async with deps.uow() as uow:
        payment = await uow.payment_of(order_id, lock=True)
    if payment is None or payment.status not in (PaymentStatus.AUTHORIZING, PaymentStatus.AUTHORIZED):
        return payment
    intent_id = payment.provider_intent_id
    if payment.status is PaymentStatus.AUTHORIZING:
        # The provider's answer was lost: find the hold it made for this order, if it made one.
        found = await deps.provider.find_intent(order_id=order_id)
        if found is None or found.status != "requires_capture":
            async with deps.uow() as uow:
                abandoned = await uow.payment_of(order_id, lock=True)
                assert abandoned is not None
                abandoned.declined(decline_code="abandoned", now=uow.now)
                await uow.commit()
                return abandoned
        intent_id = found.intent_id
    assert intent_id is not None
    await deps.provider.cancel(intent_id=intent_id, idempotency_key=f"void:{order_id}")
    async with deps.uow() as uow:
        voided = await uow.payment_of(order_id, lock=True)
        assert voided is not None
        if voided.status is PaymentStatus.AUTHORIZING:
            voided.authorized(intent_id=intent_id, actor=actor.user_id, now=uow.now)
        voided.voided(actor=actor.user_id, now=uow.now)
        await uow.commit()
        return voided
