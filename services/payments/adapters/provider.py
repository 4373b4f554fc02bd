"""The payment-provider port, and its simulator of Stripe's test mode.

The port is shaped after Stripe's PaymentIntents with manual capture, so the Stripe SDK
adapter plugs in behind it. The simulator follows test-mode semantics for the payment method
ids it knows: ``pm_card_visa`` succeeds, ``pm_card_chargeDeclined`` is declined,
``pm_card_createDispute`` succeeds (its dispute arrives with the payments capability's webhooks).
Every call carries an idempotency key and repeating one returns the first result, as Stripe does.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Protocol


class CardDeclined(Exception):
    """The card issuer declined the authorization."""

    def __init__(self, decline_code: str) -> None:
        super().__init__(decline_code)
        self.decline_code = decline_code


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
    ) -> IntentResult:
        """Creates and confirms a PaymentIntent with manual capture; raises CardDeclined."""
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
            raise CardDeclined("invalid_payment_method")
        intent_id = self._id("pi", idempotency_key)
        self._intents.setdefault(intent_id, _Intent(amount_cents, "requires_capture"))
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
