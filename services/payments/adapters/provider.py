"""The card processor's simulator of Stripe's test mode, and the transaction guard around any processor.

The port (``services.payments.usecases.card_processor``) is shaped after Stripe's
PaymentIntents with manual capture, so the Stripe SDK adapter plugs in behind it. The simulator follows test-mode semantics for the payment method
ids it knows: ``pm_card_visa`` succeeds, ``pm_card_chargeDeclined`` is declined,
``pm_card_createDispute`` succeeds and, once captured, is disputed by the card holder: the
simulator opens a dispute and queues Stripe's ``charge.dispute.created`` event. Evidence follows
Stripe's test values: submitting ``uncategorized_text`` "winning_evidence" wins the dispute,
"losing_evidence" loses it (anything else leaves it under review), each decision queued as
``charge.dispute.updated`` then ``charge.dispute.closed``. Each Connect transfer is paid out
by the connected account to its bank two days later (``payout.paid``, the event of that account).
Queued events are delivered to the
webhook endpoint signed like Stripe's (``services.payments.adapters.simulator_webhooks``).
Every call carries an idempotency key and repeating one returns the first result, as Stripe does.
Its state lives in a store: its own tables in the running service (``services.payments.adapters.
simulator_store``), memory in unit tests.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from callsheet_kit.clock import Clock, OffsetClock
from callsheet_kit.db import require_no_transaction
from services.payments.usecases.card_processor import (
    CardDeclined,
    DisputeResult,
    IntentResult,
    PaymentProvider,
    RefundResult,
    TransferResult,
    UnknownPaymentMethod,
)

DECLINING_METHODS = {
    "pm_card_chargeDeclined": "generic_decline",
    "pm_card_chargeDeclinedInsufficientFunds": "insufficient_funds",
    "pm_card_chargeDeclinedExpiredCard": "expired_card",
}
DISPUTING_METHOD = "pm_card_createDispute"
SUCCEEDING_METHODS = {"pm_card_visa", "pm_card_mastercard", "pm_card_amex", DISPUTING_METHOD}
# Stripe's test-mode evidence values that decide a dispute at once.
WINNING_EVIDENCE, LOSING_EVIDENCE = "winning_evidence", "losing_evidence"
# How long Stripe gives to respond to a dispute in the simulator (card networks give 7 to 21 days).
EVIDENCE_DAYS = 7
# When a connected account's payout of a transfer reaches its bank (Stripe's standard US schedule).
BANK_PAYOUT_DAYS = 2


# The API version the simulator's events are shaped after.
STRIPE_API_VERSION = "2024-06-20"


class NoSuchObject(LookupError):
    """The simulator never made this PaymentIntent or transfer (Stripe's ``resource_missing``)."""


@dataclass
class SimulatedIntent:
    """A PaymentIntent as the simulator keeps it."""

    intent_id: str
    order_id: str
    amount_cents: int
    status: str  # requires_capture | succeeded | canceled
    received_cents: int = 0
    refunded_cents: int = 0
    payment_method: str = ""

    def result(self) -> IntentResult:
        """The intent as Stripe reports it."""
        capturable = self.amount_cents if self.status == "requires_capture" else 0
        return IntentResult(self.intent_id, self.status, capturable, self.received_cents)


@dataclass
class SimulatedTransfer:
    """A Connect transfer as the simulator keeps it."""

    transfer_id: str
    destination: str
    transfer_group: str
    amount_cents: int
    reversed_cents: int = 0

    @property
    def destination_payment(self) -> str:
        """The payment the transfer made on the connected account."""
        return "py" + self.transfer_id.removeprefix("tr")

    @property
    def bank_payout(self) -> str:
        """The connected account's payout to its bank that carries this transfer (one per transfer here)."""
        return "po" + self.transfer_id.removeprefix("tr")

    def result(self) -> TransferResult:
        """The transfer as Stripe reports it."""
        return TransferResult(self.transfer_id, self.amount_cents, self.reversed_cents, self.destination_payment)


@dataclass
class SimulatedDispute:
    """A dispute as the simulator keeps it."""

    dispute_id: str
    intent_id: str
    amount_cents: int
    currency: str
    reason: str
    status: str  # needs_response | under_review | won | lost
    due_by: datetime
    created: datetime
    evidence: dict[str, str] = field(default_factory=dict)
    submission_count: int = 0

    def result(self) -> DisputeResult:
        """The dispute as Stripe reports it."""
        return DisputeResult(self.dispute_id, self.status, self.submission_count)

    def as_stripe(self) -> dict[str, Any]:
        """The dispute object as Stripe's API and events carry it."""
        return {
            "id": self.dispute_id,
            "object": "dispute",
            "amount": self.amount_cents,
            "currency": self.currency.lower(),
            "charge": "ch" + self.intent_id.removeprefix("pi"),
            "payment_intent": self.intent_id,
            "reason": self.reason,
            "status": self.status,
            "created": int(self.created.timestamp()),
            "livemode": False,
            "is_charge_refundable": False,
            "evidence": dict(self.evidence),
            "evidence_details": {
                "due_by": int(self.due_by.timestamp()),
                "has_evidence": bool(self.evidence),
                "past_due": False,
                "submission_count": self.submission_count,
            },
            "metadata": {},
        }


class SimulatorState(Protocol):
    """What the simulator reads and writes inside one of its transactions."""

    async def intent(self, intent_id: str) -> SimulatedIntent | None:
        """An intent, locked until the transaction ends."""
        ...

    async def intent_of_order(self, order_id: str) -> SimulatedIntent | None:
        """The intent made for an order, if any."""
        ...

    async def add_intent(self, intent: SimulatedIntent) -> SimulatedIntent:
        """Keeps a new intent; one made before with the same id wins and is returned."""
        ...

    async def save_intent(self, intent: SimulatedIntent) -> None:
        """Writes an intent's new state."""
        ...

    async def reply(self, key: str) -> dict[str, Any] | None:
        """The reply stored for an idempotency key."""
        ...

    async def transfer(self, transfer_id: str) -> SimulatedTransfer | None:
        """A Connect transfer, locked until the transaction ends."""
        ...

    async def save_transfer(self, transfer: SimulatedTransfer) -> None:
        """Keeps a transfer (new or changed)."""
        ...

    async def save_reply(self, key: str, reply: dict[str, Any]) -> None:
        """Stores the reply to an idempotency key."""
        ...

    async def dispute(self, dispute_id: str) -> SimulatedDispute | None:
        """A dispute, locked until the transaction ends."""
        ...

    async def save_dispute(self, dispute: SimulatedDispute) -> None:
        """Keeps a dispute (new or changed)."""
        ...

    async def queue_event(self, event: dict[str, Any], *, at: datetime) -> None:
        """Queues an event for delivery to the webhook endpoint."""
        ...


class SimulatorStore(Protocol):
    """Where the simulator keeps its state: one transaction per simulated API call."""

    def transaction(self) -> AbstractAsyncContextManager[SimulatorState]:
        """A transaction over the simulator's state."""
        ...


class MemorySimulatorStore:
    """The simulator's state in this process, for unit tests: lost when the process ends."""

    def __init__(self) -> None:
        self._intents: dict[str, SimulatedIntent] = {}
        self._replies: dict[str, dict[str, Any]] = {}
        self._transfers: dict[str, SimulatedTransfer] = {}
        self._disputes: dict[str, SimulatedDispute] = {}
        self.events: list[dict[str, Any]] = []
        self._lock = asyncio.Lock()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SimulatorState]:
        """One call at a time, as a database lock would have it."""
        async with self._lock:
            yield _MemoryState(self._intents, self._replies, self._transfers, self._disputes, self.events)


@dataclass
class _MemoryState:
    intents: dict[str, SimulatedIntent]
    replies: dict[str, dict[str, Any]]
    transfers: dict[str, SimulatedTransfer]
    disputes: dict[str, SimulatedDispute]
    events: list[dict[str, Any]]

    async def dispute(self, dispute_id: str) -> SimulatedDispute | None:
        found = self.disputes.get(dispute_id)
        return replace(found, evidence=dict(found.evidence)) if found is not None else None

    async def save_dispute(self, dispute: SimulatedDispute) -> None:
        self.disputes[dispute.dispute_id] = replace(dispute, evidence=dict(dispute.evidence))

    async def queue_event(self, event: dict[str, Any], *, at: datetime) -> None:
        self.events.append(event)

    async def transfer(self, transfer_id: str) -> SimulatedTransfer | None:
        found = self.transfers.get(transfer_id)
        return replace(found) if found is not None else None

    async def save_transfer(self, transfer: SimulatedTransfer) -> None:
        self.transfers[transfer.transfer_id] = replace(transfer)

    async def intent(self, intent_id: str) -> SimulatedIntent | None:
        found = self.intents.get(intent_id)
        return replace(found) if found is not None else None

    async def intent_of_order(self, order_id: str) -> SimulatedIntent | None:
        return next((replace(i) for i in self.intents.values() if order_id and i.order_id == order_id), None)

    async def add_intent(self, intent: SimulatedIntent) -> SimulatedIntent:
        return replace(self.intents.setdefault(intent.intent_id, intent))

    async def save_intent(self, intent: SimulatedIntent) -> None:
        self.intents[intent.intent_id] = replace(intent)

    async def reply(self, key: str) -> dict[str, Any] | None:
        return self.replies.get(key)

    async def save_reply(self, key: str, reply: dict[str, Any]) -> None:
        self.replies[key] = reply


class SimulatedStripe:
    """A stand-in for Stripe's test mode, for dev and tests, keeping its state in a ``SimulatorStore``.

    In the running service the store is the simulator's own tables (``SqlSimulatorStore``), so a
    payments restart loses nothing: an intent authorized before it is captured after it. An
    intent the simulator never made is refused, as Stripe refuses it (``resource_missing``).
    """

    def __init__(self, store: SimulatorStore | None = None, *, clock: Clock | None = None) -> None:
        self._store: SimulatorStore = store if store is not None else MemorySimulatorStore()
        # Stripe's test clocks are the model: disputes' dates follow the dev clock.
        self._clock: Clock = clock if clock is not None else OffsetClock()

    @staticmethod
    def _id(prefix: str, key: str) -> str:
        return f"{prefix}_sim_{hashlib.sha256(key.encode()).hexdigest()[:24]}"

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
        """Authorizes with test-mode semantics; the same key returns the same intent."""
        if payment_method_id in DECLINING_METHODS:
            raise CardDeclined(DECLINING_METHODS[payment_method_id])
        if payment_method_id not in SUCCEEDING_METHODS:
            raise UnknownPaymentMethod(payment_method_id)
        made = SimulatedIntent(
            self._id("pi", idempotency_key),
            metadata.get("order_id", ""),
            amount_cents,
            "requires_capture",
            payment_method=payment_method_id,
        )
        async with self._store.transaction() as state:
            return (await state.add_intent(made)).result()

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
        """An off-session charge, captured at once; the same key returns the same intent.

        Only the booking's own charge is disputed by ``pm_card_createDispute`` in the simulator
        (Stripe would dispute each charge of it; one dispute per order is what the flows need).
        """
        if payment_method_id in DECLINING_METHODS:
            raise CardDeclined(DECLINING_METHODS[payment_method_id])
        if payment_method_id not in SUCCEEDING_METHODS:
            raise UnknownPaymentMethod(payment_method_id)
        made = SimulatedIntent(
            self._id("pi", f"charge:{idempotency_key}"),
            "",  # not the order's booking intent: ``find_intent`` finds only that one
            amount_cents,
            "succeeded",
            received_cents=amount_cents,
            payment_method=payment_method_id,
        )
        async with self._store.transaction() as state:
            return (await state.add_intent(made)).result()

    async def customer(self, *, buyer_id: str, idempotency_key: str) -> str:
        """A customer id, the same for the same key (test-mode cards need no saving)."""
        return self._id("cus", idempotency_key)

    async def capture(self, *, intent_id: str, amount_cents: int, idempotency_key: str) -> IntentResult:
        """Captures; capturing a captured intent returns it unchanged."""
        async with self._store.transaction() as state:
            intent = await _existing(state, intent_id)
            if intent.status == "requires_capture":
                if amount_cents > intent.amount_cents:
                    raise ValueError("amount_to_capture exceeds the authorized amount")
                intent.status, intent.received_cents = "succeeded", amount_cents
                await state.save_intent(intent)
                if intent.payment_method == DISPUTING_METHOD:
                    await self._open_dispute(state, intent)
            return intent.result()

    async def _open_dispute(self, state: SimulatorState, intent: SimulatedIntent) -> None:
        now = self._clock.now()
        dispute = SimulatedDispute(
            dispute_id=self._id("dp", intent.intent_id),
            intent_id=intent.intent_id,
            amount_cents=intent.received_cents,
            currency="usd",
            reason="fraudulent",
            status="needs_response",
            due_by=now + timedelta(days=EVIDENCE_DAYS),
            created=now,
        )
        await state.save_dispute(dispute)
        await self._queue(state, "charge.dispute.created", dispute, now)

    async def _queue(self, state: SimulatorState, type_: str, dispute: SimulatedDispute, now: datetime) -> None:
        sequence = f"{dispute.dispute_id}:{type_}:{dispute.status}:{dispute.submission_count}"
        await state.queue_event(_event(self._id("evt", sequence), type_, dispute.as_stripe(), now), at=now)

    async def _pay_out_to_bank(self, state: SimulatorState, transfer: SimulatedTransfer, now: datetime) -> None:
        """The connected account's payout of the transfer to its bank, paid ``BANK_PAYOUT_DAYS`` later."""
        arrival = now + timedelta(days=BANK_PAYOUT_DAYS)
        payout = {
            "id": transfer.bank_payout,
            "object": "payout",
            "amount": transfer.amount_cents,
            "currency": "usd",
            "arrival_date": int(arrival.timestamp()),
            "automatic": True,
            "method": "standard",
            "type": "bank_account",
            "status": "paid",
            "created": int(now.timestamp()),
            "livemode": False,
        }
        event = _event(self._id("evt", f"{transfer.bank_payout}:paid"), "payout.paid", payout, arrival)
        await state.queue_event({**event, "account": transfer.destination}, at=arrival)

    async def payout_payments(self, *, account: str, payout_id: str) -> list[str]:
        """What a connected account's bank payout carried: here, the one transfer it was made for."""
        async with self._store.transaction() as state:
            transfer = await state.transfer("tr" + payout_id.removeprefix("po"))
            if transfer is None or transfer.destination != account:
                raise NoSuchObject(f"No such payout: '{payout_id}'")
            return [transfer.destination_payment]

    async def update_dispute(
        self, *, dispute_id: str, evidence: dict[str, str], submit: bool, idempotency_key: str
    ) -> DisputeResult:
        """Stages evidence, or submits it: Stripe's test values decide the dispute at once."""
        async with self._store.transaction() as state:
            dispute = await state.dispute(dispute_id)
            if dispute is None:
                raise NoSuchObject(f"No such dispute: '{dispute_id}'")
            key = f"dispute:{idempotency_key}"
            if await state.reply(key) is not None:
                return dispute.result()
            if dispute.status not in ("needs_response", "warning_needs_response"):
                raise ValueError("this dispute's evidence was already submitted")
            dispute.evidence.update(evidence)
            now = self._clock.now()
            if submit:
                dispute.submission_count += 1
                dispute.status = "under_review"
                await self._queue(state, "charge.dispute.updated", dispute, now)
                text = dispute.evidence.get("uncategorized_text", "")
                if WINNING_EVIDENCE in text or LOSING_EVIDENCE in text:
                    dispute.status = "won" if WINNING_EVIDENCE in text else "lost"
                    await self._queue(state, "charge.dispute.closed", dispute, now)
            await state.save_dispute(dispute)
            await state.save_reply(key, {"dispute": dispute_id})
            return dispute.result()

    async def cancel(self, *, intent_id: str, idempotency_key: str) -> IntentResult:
        """Cancels an uncaptured intent."""
        async with self._store.transaction() as state:
            intent = await _existing(state, intent_id)
            if intent.status == "requires_capture":
                intent.status = "canceled"
                await state.save_intent(intent)
            return intent.result()

    async def refund(self, *, intent_id: str, amount_cents: int, idempotency_key: str) -> RefundResult:
        """Refunds once per idempotency key, never more than was received."""
        key = f"refund:{idempotency_key}"
        async with self._store.transaction() as state:
            reply = await state.reply(key)
            if reply is not None:
                return RefundResult(str(reply["id"]), int(reply["amount"]))
            intent = await _existing(state, intent_id)
            if intent.status != "succeeded" or intent.refunded_cents + amount_cents > intent.received_cents:
                raise ValueError("the refund exceeds the captured amount")
            intent.refunded_cents += amount_cents
            await state.save_intent(intent)
            result = RefundResult(self._id("re", key), amount_cents)
            await state.save_reply(key, {"id": result.refund_id, "amount": result.amount_cents})
            return result

    async def find_intent(self, *, order_id: str) -> IntentResult | None:
        """The intent authorized for an order, if this simulator made one."""
        async with self._store.transaction() as state:
            intent = await state.intent_of_order(order_id)
            return intent.result() if intent is not None else None

    async def transfer(
        self, *, amount_cents: int, currency: str, destination: str, transfer_group: str, idempotency_key: str
    ) -> TransferResult:
        """A transfer to a connected account (``acct_…``); the same key returns the same transfer."""
        if not destination.startswith("acct_") or amount_cents <= 0:
            raise ValueError("a transfer needs a connected account and a positive amount")
        transfer_id = self._id("tr", idempotency_key)
        async with self._store.transaction() as state:
            made = await state.transfer(transfer_id)
            if made is None:
                made = SimulatedTransfer(transfer_id, destination, transfer_group, amount_cents)
                await state.save_transfer(made)
                await self._pay_out_to_bank(state, made, self._clock.now())
            return made.result()

    async def reverse_transfer(self, *, transfer_id: str, amount_cents: int, idempotency_key: str) -> TransferResult:
        """Takes back part of a transfer, once per key, never more than is left of it."""
        key = f"reversal:{idempotency_key}"
        async with self._store.transaction() as state:
            transfer = await state.transfer(transfer_id)
            if transfer is None:
                raise NoSuchObject(f"No such transfer: '{transfer_id}'")
            if await state.reply(key) is None:
                if transfer.reversed_cents + amount_cents > transfer.amount_cents:
                    raise ValueError("the reversal exceeds what is left of the transfer")
                transfer.reversed_cents += amount_cents
                await state.save_transfer(transfer)
                await state.save_reply(key, {"transfer": transfer_id, "amount": amount_cents})
            return transfer.result()


def _event(event_id: str, type_: str, found: dict[str, Any], now: datetime) -> dict[str, Any]:
    """An event as Stripe delivers it."""
    return {
        "id": event_id,
        "object": "event",
        "api_version": STRIPE_API_VERSION,
        "created": int(now.timestamp()),
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": type_,
        "data": {"object": found},
    }


async def _existing(state: SimulatorState, intent_id: str) -> SimulatedIntent:
    intent = await state.intent(intent_id)
    if intent is None:
        raise NoSuchObject(f"No such payment_intent: '{intent_id}'")
    return intent


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
        customer_id: str = "",
    ) -> IntentResult:
        """See ``PaymentProvider.authorize``."""
        require_no_transaction("a payment-provider call")
        return await self._provider.authorize(
            amount_cents=amount_cents,
            currency=currency,
            payment_method_id=payment_method_id,
            idempotency_key=idempotency_key,
            metadata=metadata,
            customer_id=customer_id,
        )

    async def customer(self, *, buyer_id: str, idempotency_key: str) -> str:
        """See ``PaymentProvider.customer``."""
        require_no_transaction("a payment-provider call")
        return await self._provider.customer(buyer_id=buyer_id, idempotency_key=idempotency_key)

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
        """See ``PaymentProvider.charge``."""
        require_no_transaction("a payment-provider call")
        return await self._provider.charge(
            amount_cents=amount_cents,
            currency=currency,
            payment_method_id=payment_method_id,
            transfer_group=transfer_group,
            idempotency_key=idempotency_key,
            metadata=metadata,
            customer_id=customer_id,
        )

    async def update_dispute(
        self, *, dispute_id: str, evidence: dict[str, str], submit: bool, idempotency_key: str
    ) -> DisputeResult:
        """See ``PaymentProvider.update_dispute``."""
        require_no_transaction("a payment-provider call")
        return await self._provider.update_dispute(
            dispute_id=dispute_id, evidence=evidence, submit=submit, idempotency_key=idempotency_key
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

    async def transfer(
        self, *, amount_cents: int, currency: str, destination: str, transfer_group: str, idempotency_key: str
    ) -> TransferResult:
        """See ``PaymentProvider.transfer``."""
        require_no_transaction("a payment-provider call")
        return await self._provider.transfer(
            amount_cents=amount_cents,
            currency=currency,
            destination=destination,
            transfer_group=transfer_group,
            idempotency_key=idempotency_key,
        )

    async def reverse_transfer(self, *, transfer_id: str, amount_cents: int, idempotency_key: str) -> TransferResult:
        """See ``PaymentProvider.reverse_transfer``."""
        require_no_transaction("a payment-provider call")
        return await self._provider.reverse_transfer(
            transfer_id=transfer_id, amount_cents=amount_cents, idempotency_key=idempotency_key
        )

    async def payout_payments(self, *, account: str, payout_id: str) -> list[str]:
        """See ``PaymentProvider.payout_payments``."""
        require_no_transaction("a payment-provider call")
        return await self._provider.payout_payments(account=account, payout_id=payout_id)
