"""The card processor's simulator of Stripe's test mode, and the transaction guard around any processor.

The port (``services.payments.usecases.card_processor``) is shaped after Stripe's
PaymentIntents with manual capture, so the Stripe SDK adapter plugs in behind it. The simulator follows test-mode semantics for the payment method
ids it knows: ``pm_card_visa`` succeeds, ``pm_card_chargeDeclined`` is declined,
``pm_card_createDispute`` succeeds (its dispute arrives with the payments capability's webhooks).
Every call carries an idempotency key and repeating one returns the first result, as Stripe does.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from callsheet_kit.db import require_no_transaction
from services.payments.usecases.card_processor import (
    CardDeclined,
    IntentResult,
    PaymentProvider,
    RefundResult,
    UnknownPaymentMethod,
)

DECLINING_METHODS = {
    "pm_card_chargeDeclined": "generic_decline",
    "pm_card_chargeDeclinedInsufficientFunds": "insufficient_funds",
    "pm_card_chargeDeclinedExpiredCard": "expired_card",
}
SUCCEEDING_METHODS = {"pm_card_visa", "pm_card_mastercard", "pm_card_amex", "pm_card_createDispute"}


@dataclass
class _Intent:
    amount_cents: int
    status: str
    received_cents: int = 0
    refunded_cents: int = 0
    order_id: str = ""


@dataclass
class SimulatedStripe:
    """An in-process stand-in for Stripe's test mode, for dev and tests."""

    _intents: dict[str, _Intent] = field(default_factory=dict)
    _replies: dict[str, object] = field(default_factory=dict)

    @staticmethod
    def _id(prefix: str, key: str) -> str:
        return f"{prefix}_sim_{hashlib.sha256(key.encode()).hexdigest()[:24]}"

    def _result(self, intent_id: str) -> IntentResult:
        intent = self._intents[intent_id]
        capturable = intent.amount_cents if intent.status == "requires_capture" else 0
        return IntentResult(intent_id, intent.status, capturable, intent.received_cents)

    async def authorize(
        self,
        *,
        amount_cents: int,
        currency: str,
        payment_method_id: str,
        idempotency_key: str,
        metadata: dict[str, str],
    ) -> IntentResult:
        """Authorizes with test-mode semantics."""
        if payment_method_id in DECLINING_METHODS:
            raise CardDeclined(DECLINING_METHODS[payment_method_id])
        if payment_method_id not in SUCCEEDING_METHODS:
            raise UnknownPaymentMethod(payment_method_id)
        intent_id = self._id("pi", idempotency_key)
        self._intents.setdefault(
            intent_id, _Intent(amount_cents, "requires_capture", order_id=metadata.get("order_id", ""))
        )
        return self._result(intent_id)

    def _intent(self, intent_id: str, amount_cents: int) -> _Intent:
        # The simulator keeps its state in memory: after a restart it takes the caller's word
        # for the intents it issued before.
        if intent_id not in self._intents and intent_id.startswith("pi_sim_"):
            self._intents[intent_id] = _Intent(amount_cents, "requires_capture")
        return self._intents[intent_id]

    async def capture(self, *, intent_id: str, amount_cents: int, idempotency_key: str) -> IntentResult:
        """Captures; capturing a captured intent returns it unchanged."""
        intent = self._intent(intent_id, amount_cents)
        if intent.status == "requires_capture":
            if amount_cents > intent.amount_cents:
                raise ValueError("amount_to_capture exceeds the authorized amount")
            intent.status, intent.received_cents = "succeeded", amount_cents
        return self._result(intent_id)

    async def cancel(self, *, intent_id: str, idempotency_key: str) -> IntentResult:
        """Cancels an uncaptured intent."""
        intent = self._intent(intent_id, 0)
        if intent.status == "requires_capture":
            intent.status = "canceled"
        return self._result(intent_id)

    async def refund(self, *, intent_id: str, amount_cents: int, idempotency_key: str) -> RefundResult:
        """Refunds once per idempotency key, never more than was received."""
        key = f"refund:{idempotency_key}"
        if key in self._replies:
            reply = self._replies[key]
            assert isinstance(reply, RefundResult)
            return reply
        intent = self._intents[intent_id]
        if intent.status != "succeeded" or intent.refunded_cents + amount_cents > intent.received_cents:
            raise ValueError("the refund exceeds the captured amount")
        intent.refunded_cents += amount_cents
        result = RefundResult(self._id("re", key), amount_cents)
        self._replies[key] = result
        return result

    async def find_intent(self, *, order_id: str) -> IntentResult | None:
        """The intent authorized for an order, if this simulator made one."""
        for intent_id, intent in self._intents.items():
            if order_id and intent.order_id == order_id:
                return self._result(intent_id)
        return None


class OutsideTransactions:
    """Wraps a provider so that no call to it is made while a transaction is open.

    A card processor can take seconds to answer; a transaction held meanwhile keeps its pooled
    connection and row locks. Use cases record their intent, commit, call, then record the answer.
    """

    def __init__(self, provider: PaymentProvider) -> None:
        self._provider = provider

    async def authorize(
        self,
        *,
        amount_cents: int,
        currency: str,
        payment_method_id: str,
        idempotency_key: str,
        metadata: dict[str, str],
    ) -> IntentResult:
        """See ``PaymentProvider.authorize``."""
        require_no_transaction("a payment-provider call")
        return await self._provider.authorize(
            amount_cents=amount_cents,
            currency=currency,
            payment_method_id=payment_method_id,
            idempotency_key=idempotency_key,
            metadata=metadata,
        )

    async def capture(self, *, intent_id: str, amount_cents: int, idempotency_key: str) -> IntentResult:
        """See ``PaymentProvider.capture``."""
        require_no_transaction("a payment-provider call")
        return await self._provider.capture(
            intent_id=intent_id, amount_cents=amount_cents, idempotency_key=idempotency_key
        )

    async def cancel(self, *, intent_id: str, idempotency_key: str) -> IntentResult:
        """See ``PaymentProvider.cancel``."""
        require_no_transaction("a payment-provider call")
        return await self._provider.cancel(intent_id=intent_id, idempotency_key=idempotency_key)

    async def refund(self, *, intent_id: str, amount_cents: int, idempotency_key: str) -> RefundResult:
        """See ``PaymentProvider.refund``."""
        require_no_transaction("a payment-provider call")
        return await self._provider.refund(
            intent_id=intent_id, amount_cents=amount_cents, idempotency_key=idempotency_key
        )

    async def find_intent(self, *, order_id: str) -> IntentResult | None:
        """See ``PaymentProvider.find_intent``."""
        require_no_transaction("a payment-provider call")
        return await self._provider.find_intent(order_id=order_id)
