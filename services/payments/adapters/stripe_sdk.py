"""The card processor on Stripe itself, through the official SDK (``stripe.StripeClient``).

Separate charges and transfers: each order's PaymentIntent carries ``transfer_group`` = the order
id and ``metadata.order_id``, is created with manual capture and confirmed at once, and is later
captured (in full or in part), cancelled or refunded. An authorization made for the buyer's
Stripe Customer saves the card to it for off-session use; extras and expenses are charged later
to that saved payment method off-session (``off_session``, as the customer's, confirmed and
captured at once, in the order's transfer group). The evidence answering a dispute is staged
on it, then submitted once. Every write carries the caller's idempotency key as Stripe's
``Idempotency-Key``, so a retried call returns Stripe's first answer and never moves money twice.
Calls are asynchronous (the SDK's httpx client) with Stripe's own retries of network failures.
Chosen by ``STRIPE_API_KEY`` (see ``bootstrap``); the simulator is used where no key is
configured, in dev and test only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import stripe
from stripe.params import BalanceTransactionListParams

from services.payments.usecases.card_processor import (
    CardDeclined,
    DisputeResult,
    IntentResult,
    RefundResult,
    TransferResult,
    UnknownPaymentMethod,
)

# Stripe retries a call that failed on the network this many times (idempotency keys make it safe).
NETWORK_RETRIES = 2


def stripe_client(api_key: str, *, api_base: str = "", timeout_seconds: float = 30.0) -> stripe.StripeClient:
    """A client for Stripe's API (or a server speaking it at ``api_base``), asynchronous over httpx."""
    return stripe.StripeClient(
        api_key,
        base_addresses={"api": api_base} if api_base else {},
        max_network_retries=NETWORK_RETRIES,
        http_client=stripe.HTTPXClient(timeout=timeout_seconds),
    )


class StripeProcessor:
    """``PaymentProvider`` on Stripe's Customers, PaymentIntents, Refunds, Connect transfers and payouts, and Disputes."""

    def __init__(self, client: stripe.StripeClient) -> None:
        self._client = client

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
        """Creates the order's PaymentIntent (manual capture), then confirms it: the card is held.

        With ``customer_id`` (the buyer's Stripe customer, ``cus_…``) the intent is the customer's
        and asks Stripe to save the card to them for off-session use (``setup_future_usage``), so
        extras and expenses can be charged to it later; Stripe saves it when the intent is
        confirmed. Without one the card is held for this order only.

        Two calls, each under its own key derived from the caller's, so a retry of either finds
        Stripe's first answer. A decline raises ``CardDeclined``, an unknown payment method
        ``UnknownPaymentMethod``.
        """
        params: dict[str, Any] = {
            "amount": amount_cents,
            "currency": currency.lower(),
            "payment_method": payment_method_id,
            "payment_method_types": ["card"],
            "capture_method": "manual",
            "metadata": dict(metadata),
        }
        if metadata.get("order_id"):
            params["transfer_group"] = metadata["order_id"]
        if customer_id:
            params["customer"] = customer_id
            params["setup_future_usage"] = "off_session"
        with _card_errors(payment_method_id):
            created = await self._client.v1.payment_intents.create_async(
                params,  # type: ignore[arg-type]
                {"idempotency_key": f"{idempotency_key}:create"},
            )
            confirmed = created
            if created.status in ("requires_confirmation", "requires_payment_method"):
                confirmed = await self._client.v1.payment_intents.confirm_async(
                    created.id, options={"idempotency_key": f"{idempotency_key}:confirm"}
                )
        if confirmed.status in ("requires_payment_method", "canceled"):
            # A confirmation Stripe answered without an error but without a hold: a decline.
            raise CardDeclined(_last_error_code(confirmed))
        return _intent(confirmed)

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
        """Charges the buyer's saved payment method with the buyer away: one PaymentIntent, created
        confirmed (``off_session``) and captured at once, in the order's transfer group.

        ``customer_id`` is the buyer's Stripe customer the payment method was saved to when the
        order was authorized: Stripe charges a saved card off-session only as its customer's.

        One call under the caller's key. A decline raises ``CardDeclined``; so does a card whose
        issuer wants the buyer to authenticate (``authentication_required``), which an off-session
        charge cannot ask for. An unknown payment method raises ``UnknownPaymentMethod``.
        """
        params: dict[str, Any] = {
            "amount": amount_cents,
            "currency": currency.lower(),
            "payment_method": payment_method_id,
            "payment_method_types": ["card"],
            "confirm": True,
            "off_session": True,
            "capture_method": "automatic",
            "transfer_group": transfer_group,
            "metadata": dict(metadata),
        }
        if customer_id:
            params["customer"] = customer_id
        with _card_errors(payment_method_id):
            charged = await self._client.v1.payment_intents.create_async(
                params,  # type: ignore[arg-type]
                {"idempotency_key": idempotency_key},
            )
        if charged.status == "requires_action":
            # Stripe answers an off-session charge that needs the buyer with this code.
            raise CardDeclined("authentication_required")
        if charged.status in ("requires_payment_method", "canceled"):
            raise CardDeclined(_last_error_code(charged))
        return _intent(charged)

    async def customer(self, *, buyer_id: str, idempotency_key: str) -> str:
        """Creates the buyer's Stripe customer (``cus_…``), named by ``metadata.buyer_id``, and
        returns its id: the card an authorization saves to it is what extras and expenses are
        later charged to.

        One call under the caller's key, so a retry returns the customer first created.
        """
        made = await self._client.v1.customers.create_async(
            {"metadata": {"buyer_id": buyer_id}}, {"idempotency_key": idempotency_key}
        )
        return made.id

    async def capture(self, *, intent_id: str, amount_cents: int, idempotency_key: str) -> IntentResult:
        """Captures ``amount_cents`` of the hold (the rest is released, as Stripe does); a captured intent is returned as it is."""
        current = await self._client.v1.payment_intents.retrieve_async(intent_id)
        if current.status != "requires_capture":
            return _intent(current)
        captured = await self._client.v1.payment_intents.capture_async(
            intent_id, {"amount_to_capture": amount_cents}, {"idempotency_key": idempotency_key}
        )
        return _intent(captured)

    async def cancel(self, *, intent_id: str, idempotency_key: str) -> IntentResult:
        """Releases an uncaptured hold; an intent already captured or cancelled is returned as it is."""
        current = await self._client.v1.payment_intents.retrieve_async(intent_id)
        if current.status not in (
            "requires_capture",
            "requires_confirmation",
            "requires_payment_method",
            "requires_action",
        ):
            return _intent(current)
        cancelled = await self._client.v1.payment_intents.cancel_async(
            intent_id, options={"idempotency_key": idempotency_key}
        )
        return _intent(cancelled)

    async def refund(self, *, intent_id: str, amount_cents: int, idempotency_key: str) -> RefundResult:
        """Refunds part of what was captured, once per idempotency key."""
        made = await self._client.v1.refunds.create_async(
            {"payment_intent": intent_id, "amount": amount_cents}, {"idempotency_key": idempotency_key}
        )
        return RefundResult(made.id, int(made.amount))

    async def find_intent(self, *, order_id: str) -> IntentResult | None:
        """The PaymentIntent made for an order, found by its ``order_id`` metadata (Stripe's search)."""
        if not order_id:
            return None
        found = await self._client.v1.payment_intents.search_async(
            {"query": f"metadata['order_id']:'{_quoted(order_id)}'", "limit": 1}
        )
        return _intent(found.data[0]) if found.data else None

    async def transfer(
        self, *, amount_cents: int, currency: str, destination: str, transfer_group: str, idempotency_key: str
    ) -> TransferResult:
        """A Connect transfer of the platform's balance to the provider's account, in the order's group."""
        made = await self._client.v1.transfers.create_async(
            {
                "amount": amount_cents,
                "currency": currency.lower(),
                "destination": destination,
                "transfer_group": transfer_group,
            },
            {"idempotency_key": idempotency_key},
        )
        return _transfer(made)

    async def reverse_transfer(self, *, transfer_id: str, amount_cents: int, idempotency_key: str) -> TransferResult:
        """Takes part of a transfer back from the provider's account to the platform's."""
        await self._client.v1.transfers.reversals.create_async(
            transfer_id, {"amount": amount_cents}, {"idempotency_key": idempotency_key}
        )
        return _transfer(await self._client.v1.transfers.retrieve_async(transfer_id))

    async def update_dispute(
        self, *, dispute_id: str, evidence: dict[str, str], submit: bool, idempotency_key: str
    ) -> DisputeResult:
        """Stages ``evidence`` on a dispute (``submit`` false) or submits it with what is staged.

        ``submit`` is always sent: Stripe submits when it is left out. Evidence fields are Stripe's
        (``uncategorized_text``, ``service_date``, file ids such as ``service_documentation``).
        """
        params: dict[str, Any] = {"submit": submit}
        if evidence:
            params["evidence"] = dict(evidence)
        updated = await self._client.v1.disputes.update_async(
            dispute_id,
            params,  # type: ignore[arg-type]
            {"idempotency_key": idempotency_key},
        )
        return _dispute(updated)

    async def payout_payments(self, *, account: str, payout_id: str) -> list[str]:
        """The payments (``py_…``) that a provider's payout to their bank carried, in the order
        Stripe lists them (newest first): each is the ``destination_payment`` of a transfer to them.

        Read from the balance transactions of that payout on the provider's connected account
        (``Stripe-Account``), every page of them. On a connected account, the money a platform's
        transfer brings in is a balance transaction of type ``payment`` whose source is the
        transfer's payment, so Stripe is asked for that type only and leaves out the payout's
        other lines (fees, refunds, reversals, adjustments).
        """
        # Filtered by type on Stripe's side rather than by a ``py_`` prefix here: ``payment`` is the
        # type Stripe gives a transfer received on a connected account.
        params: BalanceTransactionListParams = {"payout": payout_id, "type": "payment", "limit": 100}
        payments: list[str] = []
        while True:
            page = await self._client.v1.balance_transactions.list_async(params, {"stripe_account": account})
            for transaction in page.data:
                source = _id_of(transaction.to_dict().get("source"))
                if source:
                    payments.append(source)
            if not page.has_more or not page.data:
                return payments
            params = {**params, "starting_after": page.data[-1].id}


@contextmanager
def _card_errors(payment_method_id: str) -> Iterator[None]:
    # Stripe's refusals of a charge, as the port names them.
    try:
        yield
    except stripe.CardError as error:
        raise CardDeclined(_decline_code(error)) from error
    except stripe.InvalidRequestError as error:
        # The payment method is the only object the call names: a missing one is the caller's.
        if error.code == "resource_missing" or error.http_status == 404:
            raise UnknownPaymentMethod(payment_method_id) from error
        raise


def _dispute(dispute: stripe.Dispute) -> DisputeResult:
    fields = dispute.to_dict()
    details = fields.get("evidence_details") or {}
    return DisputeResult(
        dispute_id=str(fields.get("id", "")),
        status=str(fields.get("status", "")),
        submission_count=int(details.get("submission_count") or 0),
    )


def _transfer(transfer: stripe.Transfer) -> TransferResult:
    """A transfer as the port reports it, with the payment it made on the provider's account
    (``destination_payment``, an id or the expanded payment; empty where Stripe names none)."""
    fields = transfer.to_dict()
    return TransferResult(
        transfer_id=str(fields.get("id", "")),
        amount_cents=int(fields.get("amount") or 0),
        reversed_cents=int(fields.get("amount_reversed") or 0),
        destination_payment=_id_of(fields.get("destination_payment")),
    )


def _id_of(field: Any) -> str:
    # A field Stripe can expand: the id itself, or the expanded object carrying it.
    if isinstance(field, str):
        return field
    if isinstance(field, dict):
        return str(field.get("id") or "")
    return ""


def _intent(intent: stripe.PaymentIntent) -> IntentResult:
    # Stripe always reports both amounts; a server that leaves them out (localstripe) is read by
    # its status: a hold can capture all of it, a succeeded intent received all of it.
    fields = intent.to_dict()
    status = str(fields.get("status", ""))
    amount = int(fields.get("amount") or 0)
    capturable = fields.get("amount_capturable", amount if status == "requires_capture" else 0)
    received = fields.get("amount_received", amount if status == "succeeded" else 0)
    return IntentResult(
        intent_id=intent.id,
        status=status,
        amount_capturable_cents=int(capturable or 0),
        amount_received_cents=int(received or 0),
    )


def _decline_code(error: stripe.CardError) -> str:
    body = error.json_body if isinstance(error.json_body, dict) else {}
    details = body.get("error", {}) if isinstance(body.get("error"), dict) else {}
    return str(details.get("decline_code") or error.code or "card_declined")


def _last_error_code(intent: stripe.PaymentIntent) -> str:
    last = intent.to_dict().get("last_payment_error") or {}
    return str(last.get("decline_code") or last.get("code") or "card_declined")


def _quoted(value: str) -> str:
    # Stripe's search query language quotes with single quotes and escapes them with a backslash.
    return value.replace("\\", "\\\\").replace("'", "\\'")
