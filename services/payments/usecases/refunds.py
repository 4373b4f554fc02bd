"""One refund, once: recorded under its cause's key before the provider is asked, then confirmed.

Every refund (a cancellation's, support's, the cards engine's) goes this way:
1. In one transaction, with the payment locked: a refund already recorded under the key is the
   answer; otherwise the amount is decided against what is still refundable (the capture, less
   refunds made and refunds recorded but not yet confirmed), and the refund is recorded PENDING.
   The lock makes concurrent refunds of one payment take turns, so together they never exceed
   the capture; the unique key makes a cause refund once.
2. The provider is asked, outside any transaction, with the refund's id as its idempotency key.
3. In one transaction: the refund is marked SUCCEEDED, the payment records it (its event posts
   the ledger entry and reaches the timeline) and a receipt is issued. A retry of any step after
   a crash finds the refund where it was and finishes it.
4. When the provider had been paid out already, their share of the refund is now a debt, which
   a transfer reversal takes back (``services.payments.usecases.payouts.recover_from_provider``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from callsheet_kit.errors import idempotency_mismatch
from callsheet_kit.identity import Caller
from callsheet_kit.ids import new_id
from services.payments.adapters.tables import QuoteRow
from services.payments.domain.payment import Payment, RefundStatus
from services.payments.usecases.access import payment_to_move
from services.payments.usecases.payouts import recover_from_provider
from services.payments.usecases.ports import PaymentsDeps, Refund

# Decides a new refund's amount from the payment, its quote and what is still refundable; 0 means none.
AmountOf = Callable[[Payment, QuoteRow, int], int]


@dataclass(frozen=True)
class Refunded:
    """The payment after a refund, and the refund (None when nothing was to be refunded)."""

    payment: Payment
    refund: Refund | None


async def refund_once(
    deps: PaymentsDeps,
    *,
    order_id: str,
    key: str,
    reason: str,
    amount_of: AmountOf,
    actor: Caller,
    same_request: Callable[[Refund], bool] = lambda refund: True,
) -> Refunded:
    """Refunds the order's payment once per ``key``; ``same_request`` tells a repeat from a key reused for another."""
    async with deps.uow() as uow:
        payment = await payment_to_move(uow, order_id)
        refund = await uow.refund_by_key(key)
        if refund is None:
            quote = await uow.quote(payment.quote_id)
            assert quote is not None
            available = payment.refundable_cents - await uow.pending_refunds_cents(payment.payment_id)
            amount = amount_of(payment, quote, available)
            if amount <= 0:
                return Refunded(payment, None)
            refund = Refund(
                refund_id=new_id("rfd"),
                payment_id=payment.payment_id,
                key=key,
                status=RefundStatus.PENDING,
                amount_cents=amount,
                reason=reason,
            )
            await uow.add_refund(refund, now=uow.now)
            await uow.commit()
        elif not same_request(refund):
            raise idempotency_mismatch()
    if refund.status is RefundStatus.SUCCEEDED:
        return Refunded(payment, refund)

    assert payment.provider_intent_id is not None
    result = await deps.provider.refund(
        intent_id=payment.provider_intent_id,
        amount_cents=refund.amount_cents,
        idempotency_key=f"refund:{refund.refund_id}",
    )
    async with deps.uow() as uow:
        refunded = await payment_to_move(uow, order_id)
        current = await uow.refund_by_key(key)
        assert current is not None
        if current.status is RefundStatus.PENDING:
            await uow.refund_succeeded(current.refund_id, provider_refund_id=result.refund_id)
            refunded.refunded(
                amount_cents=current.amount_cents,
                refund_id=current.refund_id,
                reason=current.reason,
                actor=actor.user_id,
                now=uow.now,
            )
            await uow.issue_receipt(refunded, kind="refund", total_cents=current.amount_cents, now=uow.now)
            await uow.commit()
    if refunded.paid_out_cents:
        await recover_from_provider(deps, order_id, cause=f"refund:{current.refund_id}")
    return Refunded(refunded, current)
