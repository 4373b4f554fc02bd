"""Rows of payments as protobuf messages."""

from __future__ import annotations

import json
from typing import Any

from google.protobuf.message import Message

from callsheet.common.v1.money_pb2 import Money
from callsheet.payments.v1 import events_pb2, payments_pb2
from callsheet_kit.domain import Aggregate, DomainEvent
from callsheet_kit.proto import timestamp
from services.payments.adapters.tables import QuoteRow
from services.payments.domain.ledger import Balance
from services.payments.domain.payment import (
    CheckoutInitiated,
    DisputeEvent,
    DisputeFacts,
    DisputeLost,
    DisputeOpened,
    DisputeUpdated,
    DisputeWon,
    Payment,
    PaymentAuthorized,
    PaymentCaptured,
    PaymentCharged,
    PaymentEvent,
    PaymentRefunded,
    PaymentStatus,
    PaymentVoided,
    PayoutFailed,
    PayoutPaid,
    PayoutReleased,
    PayoutScheduled,
    ReserveFrozen,
    ReserveUnfrozen,
    TransferReversed,
)
from services.payments.usecases.disputes import facts
from services.payments.usecases.get_ledger import OrderLedger
from services.payments.usecases.ports import ChargeRecord, DisputeRecord, PayoutRecord, PostedEntry, Receipt

_STATUS: dict[PaymentStatus, Any] = {
    PaymentStatus.AUTHORIZING: payments_pb2.PAYMENT_STATUS_AUTHORIZING,
    PaymentStatus.AUTHORIZED: payments_pb2.PAYMENT_STATUS_AUTHORIZED,
    PaymentStatus.FAILED: payments_pb2.PAYMENT_STATUS_FAILED,
    PaymentStatus.CAPTURED: payments_pb2.PAYMENT_STATUS_CAPTURED,
    PaymentStatus.VOIDED: payments_pb2.PAYMENT_STATUS_VOIDED,
    PaymentStatus.PARTIALLY_REFUNDED: payments_pb2.PAYMENT_STATUS_PARTIALLY_REFUNDED,
    PaymentStatus.REFUNDED: payments_pb2.PAYMENT_STATUS_REFUNDED,
}
_EVENTS: dict[type[PaymentEvent], type[Message]] = {
    CheckoutInitiated: events_pb2.CheckoutInitiated,
    PaymentAuthorized: events_pb2.PaymentAuthorized,
    PaymentCaptured: events_pb2.PaymentCaptured,
    PaymentVoided: events_pb2.PaymentVoided,
    PaymentRefunded: events_pb2.PaymentRefunded,
    PaymentCharged: events_pb2.PaymentCharged,
    PayoutScheduled: events_pb2.PayoutScheduled,
    PayoutReleased: events_pb2.PayoutReleased,
    PayoutPaid: events_pb2.PayoutPaid,
    PayoutFailed: events_pb2.PayoutFailed,
    TransferReversed: events_pb2.TransferReversed,
    ReserveFrozen: events_pb2.ReserveFrozen,
    ReserveUnfrozen: events_pb2.ReserveUnfrozen,
    DisputeOpened: events_pb2.DisputeOpened,
    DisputeUpdated: events_pb2.DisputeUpdated,
    DisputeWon: events_pb2.DisputeWon,
    DisputeLost: events_pb2.DisputeLost,
}
_CHARGE_STATUS = {
    "pending": payments_pb2.CHARGE_STATUS_PENDING,
    "succeeded": payments_pb2.CHARGE_STATUS_SUCCEEDED,
    "failed": payments_pb2.CHARGE_STATUS_FAILED,
}
_PAYOUT_STATUS = {
    "scheduled": payments_pb2.PAYOUT_STATUS_SCHEDULED,
    "in_transit": payments_pb2.PAYOUT_STATUS_IN_TRANSIT,
    "paid": payments_pb2.PAYOUT_STATUS_PAID,
    "canceled": payments_pb2.PAYOUT_STATUS_CANCELED,
    "failed": payments_pb2.PAYOUT_STATUS_FAILED,
}
_DISPUTE_STATUS = {
    "needs_response": payments_pb2.DISPUTE_STATUS_NEEDS_RESPONSE,
    "under_review": payments_pb2.DISPUTE_STATUS_UNDER_REVIEW,
    "won": payments_pb2.DISPUTE_STATUS_WON,
    "lost": payments_pb2.DISPUTE_STATUS_LOST,
    "warning_closed": payments_pb2.DISPUTE_STATUS_WARNING_CLOSED,
}


def money(amount_cents: int, currency: str) -> Money:
    """A Money message."""
    return Money(amount_cents=amount_cents, currency=currency)


def encode_quote(quote: QuoteRow) -> payments_pb2.Quote:
    """A quote as the API shows it."""
    price, policy, currency = quote.price_snapshot, quote.policy_snapshot, quote.currency
    return payments_pb2.Quote(
        id=quote.quote_id,
        buyer_id=quote.buyer_id,
        provider_id=quote.provider_id,
        role_code=quote.role_code,
        start_utc=timestamp(quote.start_utc),
        end_utc=timestamp(quote.end_utc),
        timezone=quote.timezone,
        location_json=json.dumps(quote.location, sort_keys=True),
        price=payments_pb2.PriceSnapshot(
            hourly_rate=money(price["hourly_rate_cents"], currency),
            duration_minutes=price["duration_minutes"],
            subtotal=money(price["subtotal_cents"], currency),
            platform_fee_bps=price["platform_fee_bps"],
            platform_fee=money(price["platform_fee_cents"], currency),
            tax_jurisdiction=price["tax_jurisdiction"],
            tax_bps=price["tax_bps"],
            tax=money(price["tax_cents"], currency),
            deposit=money(price["deposit_cents"], currency),
            total=money(price["total_cents"], currency),
        ),
        policy=payments_pb2.PolicySnapshot(
            version=policy["version"],
            buyer_cancellation_tiers=[
                payments_pb2.CancellationTier(**tier) for tier in policy["buyer_cancellation_tiers"]
            ],
            provider_cancellation_refund_percent=policy["provider_cancellation_refund_percent"],
            dispute_window_days=policy["dispute_window_days"],
            reviews_window_days=policy["reviews_window_days"],
            payout_delay_days=policy["payout_delay_days"],
        ),
        expires_at=timestamp(quote.expires_at),
        created_at=timestamp(quote.created_at),
    )


def encode_payment(payment: Payment) -> payments_pb2.Payment:
    """A payment as the API shows it."""
    return payments_pb2.Payment(
        id=payment.payment_id,
        order_id=payment.order_id,
        quote_id=payment.quote_id,
        status=_STATUS[PaymentStatus(payment.status)],
        version=payment.version,
        authorized=money(payment.authorized_cents, payment.currency),
        captured=money(payment.captured_cents, payment.currency),
        refunded=money(payment.refunded_cents, payment.currency),
        buyer_id=payment.buyer_id,
        provider_id=payment.provider_id,
        charged_extras=money(payment.charged_extras_cents, payment.currency),
        charged_back=money(payment.charged_back_cents, payment.currency),
        paid_out=money(payment.paid_out_cents, payment.currency),
        reserve_frozen=payment.reserve_frozen,
    )


def encode_charge(charge: ChargeRecord) -> payments_pb2.Charge:
    """Extras or an expense as the API shows it."""
    currency = charge.currency
    return payments_pb2.Charge(
        id=charge.charge_id,
        order_id=charge.order_id,
        kind=charge.kind,
        status=_CHARGE_STATUS[charge.status],
        subtotal=money(charge.subtotal_cents, currency),
        platform_fee=money(charge.platform_fee_cents, currency),
        tax=money(charge.tax_cents, currency),
        total=money(charge.total_cents, currency),
        decline_code=charge.decline_code or "",
        created_at=timestamp(charge.created_at),
    )


def encode_payout(payout: PayoutRecord) -> payments_pb2.Payout:
    """A payout as the API shows it."""
    return payments_pb2.Payout(
        id=payout.payout_id,
        order_id=payout.order_id,
        provider_id=payout.provider_id,
        status=_PAYOUT_STATUS[payout.status],
        amount=money(payout.amount_cents if payout.stripe_transfer else 0, payout.currency),
        due_at=timestamp(payout.due_at),
        transfer_id=payout.stripe_transfer or "",
        reversed=money(payout.reversed_cents, payout.currency),
    )


def encode_dispute_facts(
    facts: DisputeFacts, *, order_id: str, amount_cents: int, currency: str
) -> payments_pb2.Dispute:
    """A dispute as its events report it."""
    dispute = payments_pb2.Dispute(
        id=facts.dispute_id,
        order_id=order_id,
        stripe_dispute_id=facts.stripe_dispute_id,
        status=_DISPUTE_STATUS[facts.status],
        reason=facts.reason,
        amount=money(amount_cents, currency),
        evidence_submitted=facts.evidence_submitted,
        created_at=timestamp(facts.created_at),
    )
    if facts.due_by is not None:
        dispute.due_by.CopyFrom(timestamp(facts.due_by))
    return dispute


def encode_dispute(dispute: DisputeRecord) -> payments_pb2.Dispute:
    """A dispute as the API shows it."""
    return encode_dispute_facts(
        facts(dispute), order_id=dispute.order_id, amount_cents=dispute.amount_cents, currency=dispute.currency
    )


def encode_receipt(receipt: Receipt, *, download_url: str = "") -> payments_pb2.Receipt:
    """A receipt as the API shows it, with the link to its document when it has one."""
    return payments_pb2.Receipt(
        id=receipt.receipt_id,
        kind=receipt.kind,
        total=money(receipt.total_cents, receipt.currency),
        created_at=timestamp(receipt.created_at),
        download_url=download_url,
    )


def encode_event(aggregate: Aggregate, event: DomainEvent) -> Message | None:
    """The message published for a payment's event."""
    if not isinstance(aggregate, Payment) or not isinstance(event, PaymentEvent):
        return None
    message: Any = _EVENTS[type(event)](
        payment=encode_payment(aggregate), amount=money(event.amount_cents, aggregate.currency)
    )
    match event:
        case PaymentRefunded():
            message.refund_id, message.reason = event.refund_id, event.reason
        case PaymentCharged():
            message.charge_id, message.kind = event.charge_id, event.kind
        case PayoutScheduled():
            message.payout_id = event.payout_id
            message.due_at.CopyFrom(timestamp(event.due_at))
        case PayoutReleased():
            message.payout_id, message.transfer_id = event.payout_id, event.transfer_id
        case PayoutPaid() | PayoutFailed():
            message.payout_id = event.payout_id
        case TransferReversed():
            message.payout_id, message.cause = event.payout_id, event.cause
        case ReserveFrozen():
            message.reason = event.reason
        case DisputeEvent():
            message.dispute.CopyFrom(
                encode_dispute_facts(
                    event.dispute,
                    order_id=aggregate.order_id,
                    amount_cents=event.amount_cents,
                    currency=aggregate.currency,
                )
            )
    assert isinstance(message, Message)
    return message


def encode_balance(account: str, balance: Balance, currency: str) -> payments_pb2.LedgerBalance:
    """An account's balance on the wire."""
    return payments_pb2.LedgerBalance(
        account=account, posted=money(balance.posted_cents, currency), pending=money(balance.pending_cents, currency)
    )


def encode_entry(posted: PostedEntry) -> payments_pb2.LedgerEntry:
    """A ledger entry on the wire."""
    entry = posted.entry
    return payments_pb2.LedgerEntry(
        id=posted.entry_id,
        key=entry.key,
        kind=entry.kind.value,
        pending=entry.pending,
        resolves=entry.resolves or "",
        postings=[
            payments_pb2.LedgerPosting(account=p.account, amount=money(p.amount_cents, entry.currency))
            for p in entry.postings
        ],
        created_at=timestamp(posted.created_at),
    )


def encode_order_ledger(ledger: OrderLedger) -> payments_pb2.GetOrderLedgerResponse:
    """An order's ledger on the wire; its balances are in the currency of its entries."""
    currency = ledger.entries[0].entry.currency if ledger.entries else ""
    return payments_pb2.GetOrderLedgerResponse(
        order_id=ledger.order_id,
        entries=[encode_entry(posted) for posted in ledger.entries],
        balances=[encode_balance(account, ledger.balances[account], currency) for account in sorted(ledger.balances)],
    )
