"""What the payments use cases need of the world: repositories, a unit of work, orders, a card processor."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from callsheet_kit.identity import Caller
from callsheet_kit.storage import ObjectStore
from callsheet_kit.uow import Transaction
from services.payments.adapters.tables import ProviderConnect, QuoteRow, RateCard
from services.payments.config import PaymentsSettings
from services.payments.domain.ledger import Balance, Entry, Split
from services.payments.domain.payment import Payment, RefundStatus
from services.payments.usecases.card_processor import PaymentProvider


@dataclass(frozen=True)
class Refund:
    """A refund as stored."""

    refund_id: str
    payment_id: str
    key: str
    status: RefundStatus
    amount_cents: int
    reason: str


@dataclass(frozen=True)
class Receipt:
    """A receipt as stored."""

    receipt_id: str
    kind: str
    total_cents: int
    currency: str
    created_at: datetime
    document_key: str | None = None


@dataclass(frozen=True)
class ReceiptToRender:
    """A receipt whose document is still to be made, with what the document says."""

    receipt: Receipt
    order_id: str
    buyer_id: str
    provider_id: str
    role_code: str
    subtotal_cents: int
    platform_fee_cents: int
    tax_cents: int
    tax_jurisdiction: str


@dataclass(frozen=True)
class StripeEvent:
    """A Stripe event whose signature was verified: its id, type, time and the object it is about."""

    event_id: str
    type: str
    created: datetime
    livemode: bool
    object: dict[str, Any]
    payload: dict[str, Any]


class WebhookVerifier(Protocol):
    """Checks that a webhook delivery was signed by Stripe with the endpoint's secret."""

    def verify(self, payload: bytes, signature: str) -> StripeEvent:
        """The event delivered; INVALID_ARGUMENT on ``signature`` when the signature does not hold."""
        ...


@dataclass
class ChargeRecord:
    """Extras or an expense beyond the booking, as stored."""

    charge_id: str
    payment_id: str
    order_id: str
    key: str
    kind: str  # extras | expense
    status: str  # pending | succeeded | failed
    items: list[dict[str, Any]]
    currency: str
    subtotal_cents: int
    platform_fee_cents: int
    tax_cents: int
    total_cents: int
    created_at: datetime
    updated_at: datetime
    settlement_key: str | None = None
    provider_intent_id: str | None = None
    decline_code: str | None = None


@dataclass
class PayoutRecord:
    """A provider's payout of one order, as stored."""

    payout_id: str
    order_id: str
    provider_id: str
    key: str
    status: str  # scheduled | in_transit | paid | canceled | failed
    currency: str
    amount_cents: int
    reversed_cents: int
    due_at: datetime
    attempts: int
    created_at: datetime
    updated_at: datetime
    stripe_transfer: str | None = None
    destination_payment: str | None = None
    last_error: str | None = None


@dataclass
class DisputeRecord:
    """A chargeback, as stored."""

    dispute_id: str
    order_id: str
    payment_id: str
    stripe_dispute: str
    reason: str
    status: str  # needs_response | under_review | won | lost | warning_closed
    amount_cents: int
    currency: str
    due_by: datetime | None
    evidence: dict[str, str]
    stripe_updated: datetime
    created_at: datetime
    updated_at: datetime
    evidence_submitted_at: datetime | None = None
    submit_key: str | None = None


@dataclass(frozen=True)
class PostedEntry:
    """A ledger entry as stored: the entry, and where and when it was posted."""

    entry_id: str
    entry: Entry
    created_at: datetime


class PaymentsUnitOfWork(Transaction, Protocol):
    """One transaction of a payments use case."""

    async def payment_of(self, order_id: str, *, lock: bool = False) -> Payment | None:
        """The order's payment (locked when asked), tracked for its events."""
        ...

    async def live_payment_for_quote(self, quote_id: str) -> Payment | None:
        """The payment that used the quote up, if any (declined attempts do not)."""
        ...

    def add_payment(self, payment: Payment) -> None:
        """Adds a new payment."""
        ...

    async def quote(self, quote_id: str, *, lock: bool = False) -> QuoteRow | None:
        """A quote."""
        ...

    def add_quote(self, quote: QuoteRow) -> None:
        """Adds a new quote."""
        ...

    async def rate_card(self, provider_id: str, role_code: str) -> RateCard | None:
        """A provider's rate for a role."""
        ...

    async def provider_known(self, provider_id: str) -> bool:
        """True when the provider has a rate card for any role."""
        ...

    async def refund_by_key(self, key: str) -> Refund | None:
        """The refund of a cause."""
        ...

    async def add_refund(self, refund: Refund, *, now: datetime) -> None:
        """Records a refund about to be asked of the provider."""
        ...

    async def receipts_to_render(self, *, limit: int) -> Sequence[ReceiptToRender]:
        """Receipts whose document is still to be made, oldest first."""
        ...

    async def receipt_rendered(self, receipt_id: str, document_key: str) -> None:
        """Notes where a receipt's document is kept."""
        ...

    async def pending_refunds_cents(self, payment_id: str) -> int:
        """What refunds recorded but not yet confirmed by the provider will give back."""
        ...

    async def refund_succeeded(self, refund_id: str, *, provider_refund_id: str) -> None:
        """Marks a refund done by the provider."""
        ...

    async def issue_receipt(
        self, payment: Payment, *, kind: str, total_cents: int, now: datetime, split: Split | None = None
    ) -> None:
        """Issues a receipt for money taken or returned; ``split`` itemizes extras or expenses."""
        ...

    async def receipts(self, payment_id: str) -> Sequence[Receipt]:
        """A payment's receipts, oldest first."""
        ...

    async def buyer_customer(self, buyer_id: str) -> str | None:
        """The buyer's Stripe customer, once made."""
        ...

    async def keep_buyer_customer(self, buyer_id: str, customer: str) -> str:
        """Keeps the buyer's Stripe customer; one kept before wins and is returned."""
        ...

    async def provider_account(self, provider_id: str) -> ProviderConnect | None:
        """A provider's payout account, if onboarding ever started."""
        ...

    async def provider_account_by_stripe(self, stripe_account: str) -> ProviderConnect | None:
        """The provider whose Stripe Connect account this is, locked for a change."""
        ...

    async def payment_by_intent(self, intent_id: str, *, lock: bool = False) -> Payment | None:
        """The payment of a provider's PaymentIntent, tracked for its events."""
        ...

    async def record_stripe_event(self, event: StripeEvent, *, handled: bool) -> bool:
        """Keeps a received event once by its id; False when it had been received before."""
        ...

    async def order_entries(self, order_id: str) -> Sequence[PostedEntry]:
        """An order's ledger entries, oldest first."""
        ...

    async def order_balances(self, order_id: str) -> dict[str, Balance]:
        """The balance of every account an order's entries touch."""
        ...

    async def account_balances(self, account: str) -> dict[str, Balance]:
        """One account's balance per currency over every entry."""
        ...

    async def charge_by_key(self, key: str) -> ChargeRecord | None:
        """The charge made for a caller's request."""
        ...

    async def charges_of(self, order_id: str) -> Sequence[ChargeRecord]:
        """An order's extras and expenses, oldest first."""
        ...

    async def save_charge(self, charge: ChargeRecord) -> None:
        """Keeps a charge, new or changed."""
        ...

    async def payout_of(self, order_id: str, *, lock: bool = False) -> PayoutRecord | None:
        """An order's payout, once scheduled."""
        ...

    async def due_payouts(self, now: datetime, *, limit: int) -> Sequence[PayoutRecord]:
        """Payouts whose day has come, locked (skipping those another replica holds)."""
        ...

    async def save_payout(self, payout: PayoutRecord) -> None:
        """Keeps a payout, new or changed."""
        ...

    async def payouts_carried(self, destination_payments: Sequence[str]) -> Sequence[PayoutRecord]:
        """The payouts whose transfers made these payments on a provider's account, locked."""
        ...

    async def add_hold(self, *, key: str, order_id: str, reason: str) -> bool:
        """Records a freeze once by its key; False when it was recorded before."""
        ...

    async def release_hold(self, key: str) -> bool | None:
        """Releases a freeze; None when there is no such freeze, False when it was released before."""
        ...

    async def open_holds(self, order_id: str) -> int:
        """How many freezes of an order are not released."""
        ...

    async def dispute(self, dispute_id: str, *, lock: bool = False) -> DisputeRecord | None:
        """A chargeback by its id."""
        ...

    async def dispute_by_stripe(self, stripe_dispute: str, *, lock: bool = False) -> DisputeRecord | None:
        """A chargeback by Stripe's dispute id."""
        ...

    async def disputes_of(self, order_id: str) -> Sequence[DisputeRecord]:
        """An order's chargebacks, oldest first."""
        ...

    async def save_dispute(self, dispute: DisputeRecord) -> None:
        """Keeps a chargeback, new or changed."""
        ...


@dataclass(frozen=True)
class Command:
    """What every command carries: who asks."""

    caller: Caller


class OrdersPort(Protocol):
    """The calls payments makes to orders."""

    async def slot_free(self, provider_id: str, start: datetime, end: datetime) -> bool:
        """True when no confirmed booking of the provider overlaps the slot."""
        ...


@dataclass(frozen=True)
class PaymentsDeps:
    """What the payments use cases that call out need."""

    uow: Callable[[], PaymentsUnitOfWork]
    provider: PaymentProvider
    orders: OrdersPort
    settings: PaymentsSettings
    webhooks: WebhookVerifier | None = None
    documents: ObjectStore | None = None
