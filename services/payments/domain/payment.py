"""The payment aggregate: one order's money, from authorization to refunds.

Amounts are integer cents. The rules hold whatever the provider says: nothing is captured
beyond the authorization, nothing refunded beyond the capture.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from callsheet_kit.domain import Aggregate, DomainEvent
from services.payments.domain.errors import PaymentsReason


class PaymentStatus(StrEnum):
    """Where a payment is."""

    AUTHORIZING = "authorizing"
    AUTHORIZED = "authorized"
    FAILED = "failed"
    CAPTURED = "captured"
    VOIDED = "voided"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


class RefundStatus(StrEnum):
    """Where a refund is: recorded before the card processor is asked, succeeded once it answered."""

    PENDING = "pending"
    SUCCEEDED = "succeeded"


CAPTURED_STATES = frozenset({PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED})


@dataclass(frozen=True, kw_only=True)
class PaymentEvent(DomainEvent):
    """Money moved: ``amount_cents`` is what this change moved."""

    amount_cents: int


@dataclass(frozen=True, kw_only=True)
class PaymentAuthorized(PaymentEvent):
    """The buyer's card holds the amount."""


@dataclass(frozen=True, kw_only=True)
class PaymentCaptured(PaymentEvent):
    """The hold was captured."""


@dataclass(frozen=True, kw_only=True)
class PaymentVoided(PaymentEvent):
    """The hold was released."""


@dataclass(frozen=True, kw_only=True)
class PaymentRefunded(PaymentEvent):
    """Part of the capture went back to the buyer."""

    refund_id: str
    reason: str


class Payment(Aggregate):
    """The money of one order."""

    payment_id: str
    order_id: str
    quote_id: str
    buyer_id: str
    provider_id: str
    currency: str
    status: PaymentStatus
    authorized_cents: int
    captured_cents: int
    refunded_cents: int
    provider_intent_id: str | None
    decline_code: str | None
    version: int
    created_at: datetime
    updated_at: datetime

    def __init__(
        self,
        *,
        payment_id: str,
        order_id: str,
        quote_id: str,
        buyer_id: str,
        provider_id: str,
        currency: str,
        amount_cents: int,
        now: datetime,
    ) -> None:
        self.payment_id = payment_id
        self.order_id = order_id
        self.quote_id = quote_id
        self.buyer_id = buyer_id
        self.provider_id = provider_id
        self.currency = currency
        self.status = PaymentStatus.AUTHORIZING
        self.authorized_cents = amount_cents
        self.captured_cents = 0
        self.refunded_cents = 0
        self.provider_intent_id = None
        self.decline_code = None
        self.version = 1
        self.created_at = now
        self.updated_at = now

    @property
    def event_subject(self) -> str:
        """Payment events are about the order they pay for."""
        return self.order_id

    @property
    def refundable_cents(self) -> int:
        """What can still be refunded."""
        return self.captured_cents - self.refunded_cents

    def authorized(self, *, intent_id: str, actor: str, now: datetime) -> None:
        """The provider holds the amount."""
        if self.status is not PaymentStatus.AUTHORIZING:
            return
        self.provider_intent_id = intent_id
        self._set(PaymentStatus.AUTHORIZED, now)
        self.record(PaymentAuthorized(actor=actor, occurred_at=now, amount_cents=self.authorized_cents))

    def declined(self, *, decline_code: str, now: datetime) -> None:
        """The provider refused to hold the amount."""
        if self.status is PaymentStatus.AUTHORIZING:
            self.decline_code = decline_code
            self._set(PaymentStatus.FAILED, now)

    def require_capturable(self) -> None:
        """Fails unless the payment is authorized (a captured one needs nothing)."""
        if self.status is not PaymentStatus.AUTHORIZED and self.status not in CAPTURED_STATES:
            raise PaymentsReason.PAYMENT_NOT_CAPTURABLE.error(f"the payment is {self.status.value}")

    def captured(self, *, amount_cents: int, actor: str, now: datetime) -> None:
        """The hold was captured (at most the authorized amount)."""
        if self.status is not PaymentStatus.AUTHORIZED:
            return
        if not 0 < amount_cents <= self.authorized_cents:
            raise ValueError(f"cannot capture {amount_cents} of an authorization of {self.authorized_cents}")
        self.captured_cents = amount_cents
        self._set(PaymentStatus.CAPTURED, now)
        self.record(PaymentCaptured(actor=actor, occurred_at=now, amount_cents=amount_cents))

    def voided(self, *, actor: str, now: datetime) -> None:
        """The hold was released."""
        if self.status is not PaymentStatus.AUTHORIZED:
            return
        self._set(PaymentStatus.VOIDED, now)
        self.record(PaymentVoided(actor=actor, occurred_at=now, amount_cents=self.authorized_cents))

    def refunded(self, *, amount_cents: int, refund_id: str, reason: str, actor: str, now: datetime) -> None:
        """Part of the capture went back; never more than was captured in all."""
        if self.status not in CAPTURED_STATES:
            raise ValueError(f"a {self.status.value} payment cannot be refunded")
        if not 0 < amount_cents <= self.refundable_cents:
            raise ValueError(f"cannot refund {amount_cents}: {self.refundable_cents} is refundable")
        self.refunded_cents += amount_cents
        status = (
            PaymentStatus.REFUNDED if self.refunded_cents == self.captured_cents else PaymentStatus.PARTIALLY_REFUNDED
        )
        self._set(status, now)
        self.record(
            PaymentRefunded(actor=actor, occurred_at=now, amount_cents=amount_cents, refund_id=refund_id, reason=reason)
        )

    def _set(self, status: PaymentStatus, now: datetime) -> None:
        self.status = status
        self.version += 1
        self.updated_at = now
