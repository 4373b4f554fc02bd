"""The card processor as payments needs it: a port shaped after Stripe's PaymentIntents.

Adapters implement it (the test-mode simulator today, the Stripe SDK next); every call carries
an idempotency key, and repeating one returns the first result, as Stripe does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class CardDeclined(Exception):
    """The card issuer declined the authorization."""

    def __init__(self, decline_code: str) -> None:
        super().__init__(decline_code)
        self.decline_code = decline_code


class UnknownPaymentMethod(Exception):
    """The processor knows no such payment method (Stripe's ``resource_missing``)."""


@dataclass(frozen=True)
class IntentResult:
    """A PaymentIntent as the provider reports it."""

    intent_id: str
    status: str  # requires_capture | succeeded | canceled
    amount_capturable_cents: int
    amount_received_cents: int


@dataclass(frozen=True)
class RefundResult:
    """A refund as the provider reports it."""

    refund_id: str
    amount_cents: int


@dataclass(frozen=True)
class TransferResult:
    """A Connect transfer to a provider's account as the processor reports it.

    ``destination_payment`` is the payment the transfer made on the connected account (``py_…``):
    the account's bank payouts name what they carry by it.
    """

    transfer_id: str
    amount_cents: int
    reversed_cents: int
    destination_payment: str = ""


@dataclass(frozen=True)
class DisputeResult:
    """A dispute (chargeback) as the processor reports it."""

    dispute_id: str
    status: str  # warning_needs_response | needs_response | under_review | won | lost | …
    submission_count: int


class PaymentProvider(Protocol):
    """What payments needs of a card processor."""

    async def authorize(
        self,
        *,
        amount_cents: int,
        currency: str,
        payment_method_id: str,
        idempotency_key: str,
        metadata: dict[str, str],
        customer_id: str = "",
    ) -> IntentResult:
        """Creates and confirms a PaymentIntent with manual capture; raises CardDeclined or UnknownPaymentMethod.

        With ``customer_id`` (the buyer's Stripe customer) the payment method is saved to it for
        off-session use, so extras and expenses can be charged to it later.
        """
        ...

    async def customer(self, *, buyer_id: str, idempotency_key: str) -> str:
        """Creates the buyer's Stripe customer (``cus_…``), whose saved card later charges go to."""
        ...

    async def charge(
        self,
        *,
        amount_cents: int,
        currency: str,
        payment_method_id: str,
        transfer_group: str,
        idempotency_key: str,
        metadata: dict[str, str],
        customer_id: str = "",
    ) -> IntentResult:
        """Charges the buyer's saved payment method off-session, captured at once (extras, expenses);
        ``customer_id`` is the buyer's Stripe customer the method was saved to at checkout.

        Raises CardDeclined or UnknownPaymentMethod as ``authorize`` does.
        """
        ...

    async def capture(self, *, intent_id: str, amount_cents: int, idempotency_key: str) -> IntentResult:
        """Captures (part of) an authorized intent."""
        ...

    async def cancel(self, *, intent_id: str, idempotency_key: str) -> IntentResult:
        """Releases an uncaptured authorization."""
        ...

    async def refund(self, *, intent_id: str, amount_cents: int, idempotency_key: str) -> RefundResult:
        """Refunds part or all of a captured intent."""
        ...

    async def find_intent(self, *, order_id: str) -> IntentResult | None:
        """The PaymentIntent made for an order (by its ``order_id`` metadata), if any."""
        ...

    async def transfer(
        self, *, amount_cents: int, currency: str, destination: str, transfer_group: str, idempotency_key: str
    ) -> TransferResult:
        """Moves ``amount_cents`` of the platform's balance to a provider's connected account."""
        ...

    async def reverse_transfer(self, *, transfer_id: str, amount_cents: int, idempotency_key: str) -> TransferResult:
        """Takes back part of a transfer (never more than is left of it)."""
        ...

    async def update_dispute(
        self, *, dispute_id: str, evidence: dict[str, str], submit: bool, idempotency_key: str
    ) -> DisputeResult:
        """Stages evidence on a dispute, or submits what is staged (``submit``): a dispute's
        evidence is submitted once, after which the card network decides."""
        ...

    async def payout_payments(self, *, account: str, payout_id: str) -> list[str]:
        """The transfers' payments (``py_…``) that a connected account's payout to its bank carried."""
        ...
