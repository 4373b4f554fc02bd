"""Authorizing a quote's total for an order (the first step of orders' checkout saga).

Idempotent by the order: the payment row is keyed by its order id under a unique constraint,
and the provider call reuses ``authorize:<order id>`` as its idempotency key. The row is written
(AUTHORIZING) and committed before the provider is asked, so a crash in between leaves a record
that the retry completes instead of a hold nobody knows about.
"""

from __future__ import annotations

from dataclasses import dataclass

from callsheet_kit.errors import Violations, idempotency_mismatch, invalid_field, not_found
from callsheet_kit.ids import new_id
from callsheet_kit.validation import MAX_ID, check_payment_method_id, check_text
from services.payments.domain.errors import PaymentsReason
from services.payments.domain.payment import Payment, PaymentStatus
from services.payments.usecases.access import require_orders
from services.payments.usecases.card_processor import CardDeclined, UnknownPaymentMethod
from services.payments.usecases.ports import Command, PaymentsDeps


@dataclass(frozen=True)
class AuthorizePayment(Command):
    """Orders asks to hold a quote's total for an order."""

    quote_id: str
    order_id: str
    payment_method_id: str


# How a payment refused because its method does not exist is recorded.
UNKNOWN_METHOD = "unknown_payment_method"


def provider_key(order_id: str) -> str:
    """The provider's idempotency key of an order's authorization."""
    return f"authorize:{order_id}"


async def authorize_payment(deps: PaymentsDeps, command: AuthorizePayment) -> Payment:
    """Holds the quote's total on the buyer's card; PAYMENT_DECLINED when the issuer refuses."""
    require_orders(command.caller)
    violations = Violations()
    check_payment_method_id(violations, "payment_method_id", command.payment_method_id)
    check_text(violations, "order_id", command.order_id, max_length=MAX_ID, required=True)
    check_text(violations, "quote_id", command.quote_id, max_length=MAX_ID, required=True)
    violations.raise_if_any()

    async with deps.uow() as uow:
        payment = await uow.payment_of(command.order_id, lock=True)
        if payment is not None and payment.quote_id != command.quote_id:
            raise idempotency_mismatch()
        if payment is None:
            quote = await uow.quote(command.quote_id, lock=True)
            if quote is None or (command.caller.user_id and quote.buyer_id != command.caller.user_id):
                raise not_found("quote")
            if await uow.live_payment_for_quote(quote.quote_id) is not None:
                raise PaymentsReason.QUOTE_USED.error("this quote was already checked out")
            if quote.expires_at <= uow.now:
                raise PaymentsReason.QUOTE_EXPIRED.error("the quote has expired; ask for a new one")
            payment = Payment(
                payment_id=new_id("pay"),
                order_id=command.order_id,
                quote_id=quote.quote_id,
                buyer_id=quote.buyer_id,
                provider_id=quote.provider_id,
                currency=quote.currency,
                amount_cents=quote.total_cents,
                payment_method_id=command.payment_method_id,
                actor=command.caller.user_id,
                now=uow.now,
            )
            uow.add_payment(payment)
            customer = await uow.buyer_customer(payment.buyer_id)
            await uow.commit()
        else:
            customer = await uow.buyer_customer(payment.buyer_id)
    if payment.status is PaymentStatus.FAILED:
        if payment.decline_code == UNKNOWN_METHOD:
            raise _unknown_method()
        raise _declined(payment.decline_code or "generic_decline")
    if payment.status is not PaymentStatus.AUTHORIZING:
        return payment

    if customer is None:
        customer = await _new_customer(deps, payment.buyer_id)
    try:
        intent = await deps.provider.authorize(
            amount_cents=payment.authorized_cents,
            currency=payment.currency,
            payment_method_id=command.payment_method_id,
            idempotency_key=provider_key(payment.order_id),
            metadata={"order_id": payment.order_id, "quote_id": payment.quote_id},
            customer_id=customer,
        )
    except CardDeclined as declined:
        await _refused(deps, command.order_id, declined.decline_code)
        raise _declined(declined.decline_code) from None
    except UnknownPaymentMethod:
        await _refused(deps, command.order_id, UNKNOWN_METHOD)
        raise _unknown_method() from None

    async with deps.uow() as uow:
        authorized = await uow.payment_of(command.order_id, lock=True)
        assert authorized is not None
        authorized.authorized(intent_id=intent.intent_id, actor=command.caller.user_id, now=uow.now)
        await uow.commit()
        return authorized


async def _new_customer(deps: PaymentsDeps, buyer_id: str) -> str:
    """The buyer's first checkout makes their Stripe customer, which their card is saved to.

    Made under a key of the buyer, so two first checkouts at once make one customer; the first
    one kept wins.
    """
    made = await deps.provider.customer(buyer_id=buyer_id, idempotency_key=f"customer:{buyer_id}")
    async with deps.uow() as uow:
        kept = await uow.keep_buyer_customer(buyer_id, made)
        await uow.commit()
        return kept


async def _refused(deps: PaymentsDeps, order_id: str, code: str) -> None:
    async with deps.uow() as uow:
        failed = await uow.payment_of(order_id, lock=True)
        assert failed is not None
        failed.declined(decline_code=code, now=uow.now)
        await uow.commit()


def _unknown_method() -> Exception:
    return invalid_field("payment_method_id", "no such payment method")


def _declined(decline_code: str) -> Exception:
    return PaymentsReason.PAYMENT_DECLINED.error("the card was declined", declineCode=decline_code)
