"""Capturing an order's authorization in full (orders' capture saga).

Idempotent by the order: capturing a captured payment returns it, and the provider call reuses
``capture:<order id>``, so two concurrent captures take the money once.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.payments.domain.payment import Payment, PaymentStatus
from services.payments.usecases.access import payment_to_move, require_orders
from services.payments.usecases.ports import Command, PaymentsDeps


@dataclass(frozen=True)
class CapturePayment(Command):
    """Orders asks to capture an order's authorization."""

    order_id: str


async def capture_payment(deps: PaymentsDeps, command: CapturePayment) -> Payment:
    """Captures the whole authorization; PAYMENT_NOT_CAPTURABLE unless it is authorized."""
    require_orders(command.caller)
    async with deps.uow() as uow:
        payment = await payment_to_move(uow, command.order_id)
        payment.require_capturable()
    if payment.status is not PaymentStatus.AUTHORIZED:
        return payment
    assert payment.provider_intent_id is not None
    intent = await deps.provider.capture(
        intent_id=payment.provider_intent_id,
        amount_cents=payment.authorized_cents,
        idempotency_key=f"capture:{payment.order_id}",
    )
    async with deps.uow() as uow:
        captured = await payment_to_move(uow, command.order_id)
        if captured.status is PaymentStatus.AUTHORIZED:
            captured.captured(amount_cents=intent.amount_received_cents, actor=command.caller.user_id, now=uow.now)
            await uow.issue_receipt(captured, kind="booking", total_cents=captured.captured_cents, now=uow.now)
            await uow.commit()
        return captured
