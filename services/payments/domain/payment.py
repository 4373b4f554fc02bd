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
from services.payments.domain.ledger import Split


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
class CheckoutInitiated(PaymentEvent):
    """Checkout asked the card processor to hold the total."""


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


@dataclass(frozen=True, kw_only=True)
class PaymentCharged(PaymentEvent):
    """Extras or expenses were charged beyond the booking; ``amount_cents`` is their total."""

    charge_id: str
    kind: str  # extras | expenses
    subtotal_cents: int
    platform_fee_cents: int
    tax_cents: int


@dataclass(frozen=True, kw_only=True)
class PayoutScheduled(PaymentEvent):
    """The final settlement scheduled the provider's payout; ``amount_cents`` is what is owed now."""

    payout_id: str
    due_at: datetime


@dataclass(frozen=True, kw_only=True)
class PayoutReleased(PaymentEvent):
    """What the order owed its provider was transferred to them."""

    payout_id: str
    transfer_id: str


@dataclass(frozen=True, kw_only=True)
class PayoutPaid(PaymentEvent):
    """The provider's Stripe account paid the payout out to their bank."""

    payout_id: str


@dataclass(frozen=True, kw_only=True)
class PayoutFailed(PaymentEvent):
    """The provider's bank refused the payout."""

    payout_id: str


@dataclass(frozen=True, kw_only=True)
class TransferReversed(PaymentEvent):
    """Part of the payout was taken back from the provider (``cause`` is the refund or dispute).

    ``key`` is the reversal's own (the payout and what was reversed of it before), unique per reversal.
    """

    payout_id: str
    cause: str
    key: str


@dataclass(frozen=True, kw_only=True)
class ReserveFrozen(PaymentEvent):
    """What the order owed its provider moved into the reserve."""

    key: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class ReserveUnfrozen(PaymentEvent):
    """The last freeze was released: what is left in the reserve is owed to the provider again."""

    key: str


@dataclass(frozen=True)
class DisputeFacts:
    """A chargeback as the events about it report it."""

    dispute_id: str
    stripe_dispute_id: str
    status: str
    reason: str
    due_by: datetime | None
    evidence_submitted: bool
    created_at: datetime


@dataclass(frozen=True, kw_only=True)
class DisputeEvent(PaymentEvent):
    """A chargeback of the payment changed; ``amount_cents`` is the disputed amount."""

    dispute: DisputeFacts


@dataclass(frozen=True, kw_only=True)
class DisputeOpened(DisputeEvent):
    """The card holder disputed the payment: the amount and Stripe's fee left the balance."""

    fee_cents: int


@dataclass(frozen=True, kw_only=True)
class DisputeUpdated(DisputeEvent):
    """The dispute moved on before a decision."""


@dataclass(frozen=True, kw_only=True)
class DisputeWon(DisputeEvent):
    """Decided for the platform: the amount came back."""


@dataclass(frozen=True, kw_only=True)
class DisputeLost(DisputeEvent):
    """Decided for the card holder: the amount is gone."""


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
    payment_method_id: str | None
    decline_code: str | None
    charged_extras_cents: int
    charged_back_cents: int
    disputed_cents: int
    paid_out_cents: int
    reserve_frozen: bool
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
        payment_method_id: str,
        actor: str,
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
        self.payment_method_id = payment_method_id
        self.decline_code = None
        self.charged_extras_cents = 0
        self.charged_back_cents = 0
        self.disputed_cents = 0
        self.paid_out_cents = 0
        self.reserve_frozen = False
        self.version = 1
        self.created_at = now
        self.updated_at = now
        self.record(CheckoutInitiated(actor=actor, occurred_at=now, amount_cents=amount_cents))

    @property
    def event_subject(self) -> str:
        """Payment events are about the order they pay for."""
        return self.order_id

    @property
    def refundable_cents(self) -> int:
        """What of the booking's capture can still be refunded: not refunded, not lost to a chargeback,
        and not under one (Stripe refuses to refund a charge while its dispute is open)."""
        return self.captured_cents - self.refunded_cents - self.charged_back_cents - self.disputed_cents

    @property
    def is_captured(self) -> bool:
        """True once the booking's total was captured."""
        return self.status in CAPTURED_STATES

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

    def charged(self, *, charge_id: str, kind: str, split: Split, actor: str, now: datetime) -> None:
        """Extras or expenses were charged to the buyer beyond the booking."""
        self.charged_extras_cents += split.total_cents
        self._bump(now)
        self.record(
            PaymentCharged(
                actor=actor,
                occurred_at=now,
                amount_cents=split.total_cents,
                charge_id=charge_id,
                kind=kind,
                subtotal_cents=split.subtotal_cents,
                platform_fee_cents=split.platform_fee_cents,
                tax_cents=split.tax_cents,
            )
        )

    def payout_scheduled(self, *, payout_id: str, due_at: datetime, owed_cents: int, actor: str, now: datetime) -> None:
        """The final settlement scheduled the payout."""
        self._bump(now)
        self.record(
            PayoutScheduled(actor=actor, occurred_at=now, amount_cents=owed_cents, payout_id=payout_id, due_at=due_at)
        )

    def paid_out(self, *, payout_id: str, transfer_id: str, amount_cents: int, now: datetime) -> None:
        """What the order owed its provider was transferred (by the system, on the payout's day)."""
        if self.reserve_frozen:
            raise ValueError("a frozen payment pays nothing out")
        self.paid_out_cents += amount_cents
        self._bump(now)
        self.record(
            PayoutReleased(
                actor="", occurred_at=now, amount_cents=amount_cents, payout_id=payout_id, transfer_id=transfer_id
            )
        )

    def bank_payout(self, *, payout_id: str, amount_cents: int, paid: bool, now: datetime) -> None:
        """The provider's Stripe account paid the payout to their bank, or their bank refused it."""
        self._bump(now)
        kind = PayoutPaid if paid else PayoutFailed
        self.record(kind(actor="", occurred_at=now, amount_cents=amount_cents, payout_id=payout_id))

    def transfer_reversed(self, *, payout_id: str, cause: str, key: str, amount_cents: int, now: datetime) -> None:
        """Part of the payout came back from the provider."""
        if not 0 < amount_cents <= self.paid_out_cents:
            raise ValueError(f"cannot reverse {amount_cents} of {self.paid_out_cents} paid out")
        self.paid_out_cents -= amount_cents
        self._bump(now)
        self.record(
            TransferReversed(
                actor="", occurred_at=now, amount_cents=amount_cents, payout_id=payout_id, cause=cause, key=key
            )
        )

    def frozen(self, *, key: str, reason: str, amount_cents: int, actor: str, now: datetime) -> None:
        """The first freeze of the order: what it owes its provider moves into the reserve."""
        self.reserve_frozen = True
        self._bump(now)
        self.record(ReserveFrozen(actor=actor, occurred_at=now, amount_cents=amount_cents, key=key, reason=reason))

    def unfrozen(self, *, key: str, amount_cents: int, actor: str, now: datetime) -> None:
        """The last freeze was released."""
        self.reserve_frozen = False
        self._bump(now)
        self.record(ReserveUnfrozen(actor=actor, occurred_at=now, amount_cents=amount_cents, key=key))

    def dispute_opened(self, dispute: DisputeFacts, *, amount_cents: int, fee_cents: int, now: datetime) -> None:
        """The card holder disputed the payment: the amount is not refundable while the dispute is open."""
        if not 0 <= amount_cents <= self.refundable_cents:
            raise ValueError(f"cannot dispute {amount_cents}: {self.refundable_cents} is left of the capture")
        self.disputed_cents += amount_cents
        self._bump(now)
        self.record(
            DisputeOpened(actor="", occurred_at=now, amount_cents=amount_cents, dispute=dispute, fee_cents=fee_cents)
        )

    def dispute_updated(self, dispute: DisputeFacts, *, amount_cents: int, now: datetime) -> None:
        """The dispute moved on (evidence staged or submitted)."""
        self._bump(now)
        self.record(DisputeUpdated(actor="", occurred_at=now, amount_cents=amount_cents, dispute=dispute))

    def dispute_won(self, dispute: DisputeFacts, *, amount_cents: int, now: datetime) -> None:
        """The dispute was decided for the platform: the amount is the platform's again."""
        self.disputed_cents -= amount_cents
        self._bump(now)
        self.record(DisputeWon(actor="", occurred_at=now, amount_cents=amount_cents, dispute=dispute))

    def dispute_lost(self, dispute: DisputeFacts, *, amount_cents: int, now: datetime) -> None:
        """The dispute was decided for the card holder: the amount is gone for good."""
        if not 0 < amount_cents <= self.disputed_cents:
            raise ValueError(f"cannot lose {amount_cents}: {self.disputed_cents} is disputed")
        self.disputed_cents -= amount_cents
        self.charged_back_cents += amount_cents
        self._bump(now)
        self.record(DisputeLost(actor="", occurred_at=now, amount_cents=amount_cents, dispute=dispute))

    def _bump(self, now: datetime) -> None:
        self.version += 1
        self.updated_at = now

    def _set(self, status: PaymentStatus, now: datetime) -> None:
        self.status = status
        self.version += 1
        self.updated_at = now
