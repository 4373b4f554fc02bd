"""What payments counts: the money refunded, by currency, once each refund is committed.

``SqlPaymentsUnitOfWork`` hands each committed event to ``count_payment_event``: a refund counts
when the card processor has confirmed it and the payment recorded it (a refund still pending at
the processor has moved no money yet).
"""

from __future__ import annotations

from callsheet_kit.domain import DomainEvent
from callsheet_kit.metrics import counter
from services.payments.domain.payment import Payment, PaymentRefunded

refunded_cents = counter("callsheet.payments.refunded_cents", "Money refunded, in the currency's minor units")


def count_payment_event(payment: Payment, event: DomainEvent) -> None:
    """Counts one committed event of a payment."""
    if isinstance(event, PaymentRefunded):
        refunded_cents.add(event.amount_cents, {"currency": payment.currency})
