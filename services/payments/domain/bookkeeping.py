"""Which ledger entry each movement of a payment posts.

The payment aggregate records what happened to an order's money; this module turns each event
into its balanced entry (``services.payments.domain.ledger``), which the unit of work posts in the
same transaction. Events that move no money (checkout initiated, payout scheduled, a dispute's
progress) post nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from services.payments.domain import ledger
from services.payments.domain.ledger import Balance, Entry, Split
from services.payments.domain.payment import (
    DisputeLost,
    DisputeOpened,
    DisputeWon,
    Payment,
    PaymentAuthorized,
    PaymentCaptured,
    PaymentCharged,
    PaymentEvent,
    PaymentRefunded,
    PaymentVoided,
    PayoutReleased,
    ReserveFrozen,
    ReserveUnfrozen,
    TransferReversed,
)


@dataclass(frozen=True)
class Books:
    """What an entry may depend on: the booking's price, and the order's balances before it.

    ``held`` is every account the order's entries touch; ``booking`` the same over the booking's
    own entries (``ledger.BOOKING_KINDS``), whose proportions refunds and lost chargebacks follow.
    """

    price: Split | None
    held: Mapping[str, Balance]
    booking: Mapping[str, Balance]


def needs_price(event: PaymentEvent) -> bool:
    """Whether the entry of ``event`` splits the booking's price (an authorization's or a capture's)."""
    return isinstance(event, PaymentAuthorized | PaymentCaptured)


def needs_balances(event: PaymentEvent) -> bool:
    """Whether the entry of ``event`` depends on the order's balances (a refund's, a lost chargeback's, a payout's)."""
    return isinstance(event, PaymentRefunded | DisputeLost | PayoutReleased)


def entry_for(payment: Payment, event: PaymentEvent, books: Books) -> Entry | None:
    """The entry ``event`` posts, or None when it moves no money."""
    order, provider, currency = payment.order_id, payment.provider_id, payment.currency
    amount = event.amount_cents
    match event:
        case PaymentAuthorized():
            assert books.price is not None
            split = books.price.part(amount)
            return ledger.authorization(order_id=order, provider_id=provider, currency=currency, split=split)
        case PaymentCaptured():
            assert books.price is not None
            split = books.price.part(amount)
            return ledger.capture(order_id=order, provider_id=provider, currency=currency, split=split)
        case PaymentVoided():
            return ledger.void(order_id=order, currency=currency)
        case PaymentRefunded():
            return ledger.refund(
                order_id=order,
                provider_id=provider,
                currency=currency,
                remaining=ledger.remaining(books.booking, provider),
                held=books.held,
                amount_cents=amount,
                refund_id=event.refund_id,
            )
        case PaymentCharged():
            split = Split(event.subtotal_cents, event.platform_fee_cents, event.tax_cents)
            return ledger.charge(
                order_id=order, provider_id=provider, currency=currency, split=split, charge_id=event.charge_id
            )
        case PayoutReleased():
            return ledger.payout(
                order_id=order,
                provider_id=provider,
                currency=currency,
                amount_cents=amount,
                payout_id=event.payout_id,
                held=books.held,
            )
        case TransferReversed():
            return ledger.transfer_reversal(
                order_id=order, provider_id=provider, currency=currency, amount_cents=amount, key=event.key
            )
        case ReserveFrozen() | ReserveUnfrozen():
            return ledger.reserve(
                order_id=order,
                provider_id=provider,
                currency=currency,
                amount_cents=amount,
                key=event.key,
                release=isinstance(event, ReserveUnfrozen),
            )
        case DisputeOpened():
            return ledger.dispute_opened(
                order_id=order,
                currency=currency,
                amount_cents=amount,
                fee_cents=event.fee_cents,
                dispute_id=event.dispute.dispute_id,
            )
        case DisputeWon():
            return ledger.dispute_won(
                order_id=order, currency=currency, amount_cents=amount, dispute_id=event.dispute.dispute_id
            )
        case DisputeLost():
            return ledger.dispute_lost(
                order_id=order,
                provider_id=provider,
                currency=currency,
                remaining=ledger.remaining(books.booking, provider),
                held=books.held,
                amount_cents=amount,
                dispute_id=event.dispute.dispute_id,
            )
    return None
