"""The card processor on Stripe's SDK: against localstripe for what it fakes (holds, captures,
refunds, off-session charges), against recorded requests for what it does not (declines as Stripe
answers them, the search of an order's intent, Connect transfers, disputes' evidence).

localstripe is started by the tests (``localstripe_server.py`` beside this file); nothing here
reaches Stripe.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import stripe

from callsheet_kit.keys import generate_key_set
from devstack.ports import free_port, wait_for_port
from services.payments.adapters.stripe_sdk import StripeProcessor, stripe_client
from services.payments.config import PaymentsSettings
from services.payments.usecases.card_processor import CardDeclined, UnknownPaymentMethod

HERE = Path(__file__).resolve().parent
KEY = "sk_test_callsheet"


@pytest.fixture(scope="module")
def localstripe() -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(HERE / "localstripe_server.py"), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port("127.0.0.1", port, timeout=30)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(10)


def order_id() -> str:
    return f"ord_{uuid.uuid4().hex[:12]}"


@pytest.mark.asyncio
async def test_a_hold_is_captured_in_part_and_refunded_in_part(localstripe: str) -> None:
    client = stripe_client(KEY, api_base=localstripe)
    processor = StripeProcessor(client)
    order = order_id()
    held = await processor.authorize(
        amount_cents=35_930,
        currency="USD",
        payment_method_id="pm_card_visa",
        idempotency_key=f"authorize:{order}",
        metadata={"order_id": order},
    )
    assert (held.status, held.amount_capturable_cents, held.amount_received_cents) == ("requires_capture", 35_930, 0)
    intent = await client.v1.payment_intents.retrieve_async(held.intent_id)
    assert intent.to_dict()["transfer_group"] == order and intent.metadata["order_id"] == order
    assert intent.capture_method == "manual"

    captured = await processor.capture(
        intent_id=held.intent_id, amount_cents=30_000, idempotency_key=f"capture:{order}"
    )
    assert captured.status == "succeeded"
    latest = intent.to_dict()["latest_charge"]  # an id from Stripe; localstripe expands it
    charge_id = latest if isinstance(latest, str) else latest["id"]
    charge = await client.v1.charges.retrieve_async(charge_id)
    assert charge.amount_refunded == 5_930  # the part not captured went back at once, as Stripe does
    again = await processor.capture(intent_id=held.intent_id, amount_cents=30_000, idempotency_key=f"capture:{order}")
    assert again.status == "succeeded"  # a captured intent is returned as it is

    refunded = await processor.refund(intent_id=held.intent_id, amount_cents=1_000, idempotency_key=f"refund:{order}")
    assert refunded.amount_cents == 1_000 and refunded.refund_id.startswith("re_")
    charge = await client.v1.charges.retrieve_async(charge_id)
    assert charge.amount_refunded == 6_930


@pytest.mark.asyncio
async def test_a_hold_is_released_and_a_released_one_stays_released(localstripe: str) -> None:
    processor = StripeProcessor(stripe_client(KEY, api_base=localstripe))
    order = order_id()
    held = await processor.authorize(
        amount_cents=5_000,
        currency="USD",
        payment_method_id="pm_card_visa",
        idempotency_key=f"authorize:{order}",
        metadata={"order_id": order},
    )
    released = await processor.cancel(intent_id=held.intent_id, idempotency_key=f"void:{order}")
    assert (released.status, released.amount_capturable_cents) == ("canceled", 0)
    again = await processor.cancel(intent_id=held.intent_id, idempotency_key=f"void:{order}")
    assert again.status == "canceled"


@pytest.mark.asyncio
async def test_a_payment_method_stripe_does_not_know_is_named_not_declined(localstripe: str) -> None:
    processor = StripeProcessor(stripe_client(KEY, api_base=localstripe))
    with pytest.raises(UnknownPaymentMethod):
        await processor.authorize(
            amount_cents=5_000,
            currency="USD",
            payment_method_id="pm_nobody_knows",
            idempotency_key=f"authorize:{order_id()}",
            metadata={},
        )


@pytest.mark.asyncio
async def test_an_extra_is_charged_off_session_to_the_saved_card_and_captured_at_once(localstripe: str) -> None:
    client = stripe_client(KEY, api_base=localstripe)
    processor = StripeProcessor(client)
    order = order_id()
    charged = await processor.charge(
        amount_cents=4_500,
        currency="USD",
        payment_method_id="pm_card_visa",
        transfer_group=order,
        idempotency_key=f"extra:{order}:1",
        metadata={"order_id": order, "extra_id": "ext_1"},
    )
    assert (charged.status, charged.amount_received_cents, charged.amount_capturable_cents) == ("succeeded", 4_500, 0)
    intent = await client.v1.payment_intents.retrieve_async(charged.intent_id)
    assert (intent.capture_method, intent.currency, intent.to_dict()["transfer_group"]) == ("automatic", "usd", order)
    assert intent.metadata.to_dict() == {"order_id": order, "extra_id": "ext_1"}


@pytest.mark.asyncio
async def test_an_off_session_charge_the_issuer_declines_names_the_decline(localstripe: str) -> None:
    processor = StripeProcessor(stripe_client(KEY, api_base=localstripe))
    order = order_id()
    with pytest.raises(CardDeclined) as refused:
        await processor.charge(
            amount_cents=4_500,
            currency="USD",
            payment_method_id="pm_card_chargeCustomerFail",  # saves, then is declined when charged
            transfer_group=order,
            idempotency_key=f"extra:{order}:1",
            metadata={"order_id": order},
        )
    assert refused.value.decline_code == "card_declined"


@pytest.mark.asyncio
async def test_an_off_session_charge_that_needs_the_buyer_to_authenticate_is_declined(localstripe: str) -> None:
    client = stripe_client(KEY, api_base=localstripe)
    processor = StripeProcessor(client)
    three_d_secure = await client.v1.payment_methods.create_async(
        {"type": "card", "card": {"number": "4000002760003184", "exp_month": 12, "exp_year": 2030, "cvc": "123"}}
    )
    order = order_id()
    with pytest.raises(CardDeclined) as refused:
        await processor.charge(
            amount_cents=4_500,
            currency="USD",
            payment_method_id=three_d_secure.id,
            transfer_group=order,
            idempotency_key=f"extra:{order}:1",
            metadata={"order_id": order},
        )
    assert refused.value.decline_code == "authentication_required"


@pytest.mark.asyncio
async def test_an_off_session_charge_to_a_payment_method_stripe_does_not_know_names_it(localstripe: str) -> None:
    processor = StripeProcessor(stripe_client(KEY, api_base=localstripe))
    order = order_id()
    with pytest.raises(UnknownPaymentMethod):
        await processor.charge(
            amount_cents=4_500,
            currency="USD",
            payment_method_id="pm_nobody_knows",
            transfer_group=order,
            idempotency_key=f"extra:{order}:1",
            metadata={},
        )


@pytest.mark.asyncio
async def test_an_extra_is_charged_off_session_as_the_buyers_customer_to_the_card_saved_to_it(localstripe: str) -> None:
    """The buyer's customer is made, the card is saved to it, and an off-session charge as that
    customer succeeds.

    localstripe refuses a PaymentIntent's ``setup_future_usage`` ("Unexpected
    setup_future_usage"), so it cannot save the card at authorization as Stripe does: here the card
    is attached to the customer directly, and the authorization that saves it is tested against
    recorded requests
    (``test_a_buyers_card_is_saved_to_their_customer_at_authorization_then_charged_off_session_as_theirs``).
    """
    client = stripe_client(KEY, api_base=localstripe)
    processor = StripeProcessor(client)
    order = order_id()
    customer_id = await processor.customer(buyer_id="byr_1", idempotency_key=f"customer:{order}")
    assert customer_id.startswith("cus_")
    made = await client.v1.customers.retrieve_async(customer_id)
    assert made.metadata.to_dict() == {"buyer_id": "byr_1"}
    card = await client.v1.payment_methods.create_async(
        {"type": "card", "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}}
    )
    await client.v1.payment_methods.attach_async(card.id, {"customer": customer_id})

    charged = await processor.charge(
        amount_cents=4_500,
        currency="USD",
        payment_method_id=card.id,
        transfer_group=order,
        idempotency_key=f"extra:{order}:1",
        metadata={"order_id": order, "extra_id": "ext_1"},
        customer_id=customer_id,
    )
    assert (charged.status, charged.amount_received_cents, charged.amount_capturable_cents) == ("succeeded", 4_500, 0)
    intent = await client.v1.payment_intents.retrieve_async(charged.intent_id)
    assert (intent.customer, intent.payment_method, intent.to_dict()["transfer_group"]) == (
        customer_id,
        card.id,
        order,
    )


class Recorded(stripe.HTTPClient):
    """An HTTP client for the SDK that answers from a script and records every request it was asked to send."""

    name = "recorded"

    def __init__(self, answers: list[tuple[int, dict[str, Any]]]) -> None:
        super().__init__()
        self.answers = answers
        self.requests: list[dict[str, Any]] = []

    async def request_async(
        self, method: str, url: str, headers: Mapping[str, str], post_data: Any = None
    ) -> tuple[bytes, int, Mapping[str, str]]:
        parts = urlsplit(url)
        form = parse_qs(post_data.decode() if isinstance(post_data, bytes) else post_data or "")
        self.requests.append(
            {
                "method": method.upper(),
                "path": parts.path,
                "query": parse_qs(parts.query),
                "form": {name: values[0] for name, values in form.items()},
                "idempotency_key": headers.get("Idempotency-Key"),
                "stripe_account": headers.get("Stripe-Account"),
            }
        )
        status, body = self.answers.pop(0)
        return json.dumps(body).encode(), status, {"request-id": "req_recorded"}

    async def close_async(self) -> None:
        return None


def intent(status: str, **fields: Any) -> dict[str, Any]:
    return {"id": "pi_recorded", "object": "payment_intent", "amount": 35_930, "status": status, **fields}


def recorded_processor(answers: list[tuple[int, dict[str, Any]]]) -> tuple[StripeProcessor, Recorded]:
    http = Recorded(answers)
    return StripeProcessor(stripe.StripeClient(KEY, http_client=http, max_network_retries=0)), http


@pytest.mark.asyncio
async def test_an_authorization_sends_stripe_a_manual_capture_intent_of_the_orders_transfer_group() -> None:
    processor, http = recorded_processor(
        [
            (200, intent("requires_confirmation", amount_capturable=0, amount_received=0)),
            (200, intent("requires_capture", amount_capturable=35_930, amount_received=0)),
        ]
    )
    held = await processor.authorize(
        amount_cents=35_930,
        currency="USD",
        payment_method_id="pm_card_visa",
        idempotency_key="authorize:ord_1",
        metadata={"order_id": "ord_1"},
    )
    assert held.amount_capturable_cents == 35_930
    create, confirm = http.requests
    assert (create["method"], create["path"], create["idempotency_key"]) == (
        "POST",
        "/v1/payment_intents",
        "authorize:ord_1:create",
    )
    assert create["form"] == {
        "amount": "35930",
        "currency": "usd",
        "payment_method": "pm_card_visa",
        "payment_method_types[0]": "card",
        "capture_method": "manual",
        "metadata[order_id]": "ord_1",
        "transfer_group": "ord_1",
    }
    assert (confirm["path"], confirm["idempotency_key"]) == (
        "/v1/payment_intents/pi_recorded/confirm",
        "authorize:ord_1:confirm",
    )


@pytest.mark.asyncio
async def test_a_decline_as_stripe_answers_it_names_the_issuers_reason() -> None:
    declined = {
        "error": {
            "type": "card_error",
            "code": "card_declined",
            "decline_code": "insufficient_funds",
            "message": "Your card has insufficient funds.",
            "param": "",
        }
    }
    processor, _ = recorded_processor([(200, intent("requires_confirmation")), (402, declined)])
    with pytest.raises(CardDeclined) as refused:
        await processor.authorize(
            amount_cents=35_930,
            currency="USD",
            payment_method_id="pm_card_chargeDeclinedInsufficientFunds",
            idempotency_key="authorize:ord_2",
            metadata={"order_id": "ord_2"},
        )
    assert refused.value.decline_code == "insufficient_funds"


@pytest.mark.asyncio
async def test_an_orders_intent_is_found_by_its_metadata_with_stripes_search() -> None:
    found = {
        "object": "search_result",
        "data": [intent("requires_capture", amount_capturable=35_930)],
        "has_more": False,
    }
    processor, http = recorded_processor([(200, found)])
    result = await processor.find_intent(order_id="ord_1")
    assert result is not None and result.intent_id == "pi_recorded"
    [search] = http.requests
    assert search["path"] == "/v1/payment_intents/search"
    assert search["query"]["query"] == ["metadata['order_id']:'ord_1'"]


def test_payments_refuses_to_start_outside_dev_without_stripes_key_and_webhook_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keys = generate_key_set(["payments"])
    monkeypatch.setenv("CALLSHEET_SERVICE_KEY", keys.private_keys["payments"])
    monkeypatch.setenv("CALLSHEET_SERVICE_KEYS", keys.keyring())
    monkeypatch.setenv("CALLSHEET_DATABASE_URL", "postgresql://unused@127.0.0.1/unused")
    monkeypatch.setenv("CALLSHEET_ENV", "production")
    monkeypatch.delenv("STRIPE_API_KEY", raising=False)
    with pytest.raises(ValueError, match="STRIPE_API_KEY"):
        PaymentsSettings()  # type: ignore[call-arg]
    monkeypatch.setenv("STRIPE_API_KEY", KEY)
    with pytest.raises(ValueError, match="STRIPE_WEBHOOK_SECRET"):
        PaymentsSettings()  # type: ignore[call-arg]
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_of_the_endpoint")
    monkeypatch.setenv("CALLSHEET_FILES_SECRET", "a-secret-that-signs-download-links")
    assert PaymentsSettings().stripe_api_key == KEY  # type: ignore[call-arg]


@pytest.mark.asyncio
async def test_a_transfer_and_its_reversal_are_sent_as_stripe_connect_expects() -> None:
    transfer = {
        "id": "tr_recorded",
        "object": "transfer",
        "amount": 40_000,
        "amount_reversed": 0,
        "currency": "usd",
        "destination": "acct_provider",
        "destination_payment": "py_123",
    }
    reversed_one = {**transfer, "amount_reversed": 10_000, "destination_payment": {"id": "py_123", "object": "charge"}}
    reversal = {"id": "trr_recorded", "object": "transfer_reversal", "amount": 10_000, "transfer": "tr_recorded"}
    processor, http = recorded_processor([(200, transfer), (200, reversal), (200, reversed_one)])
    made = await processor.transfer(
        amount_cents=40_000,
        currency="USD",
        destination="acct_provider",
        transfer_group="ord_1",
        idempotency_key="payout:ord_1",
    )
    assert (made.transfer_id, made.amount_cents, made.reversed_cents, made.destination_payment) == (
        "tr_recorded",
        40_000,
        0,
        "py_123",
    )
    back = await processor.reverse_transfer(transfer_id="tr_recorded", amount_cents=10_000, idempotency_key="rev:1")
    assert (back.reversed_cents, back.destination_payment) == (10_000, "py_123")  # read from the expanded payment
    sent, reversed_request, read = http.requests
    assert (sent["method"], sent["path"], sent["idempotency_key"]) == ("POST", "/v1/transfers", "payout:ord_1")
    assert sent["form"] == {
        "amount": "40000",
        "currency": "usd",
        "destination": "acct_provider",
        "transfer_group": "ord_1",
    }
    assert (reversed_request["path"], reversed_request["form"], reversed_request["idempotency_key"]) == (
        "/v1/transfers/tr_recorded/reversals",
        {"amount": "10000"},
        "rev:1",
    )
    assert (read["method"], read["path"]) == ("GET", "/v1/transfers/tr_recorded")


@pytest.mark.asyncio
async def test_a_transfer_stripe_reports_without_a_destination_payment_names_none() -> None:
    bare = {"id": "tr_bare", "object": "transfer", "amount": 5_000, "amount_reversed": 0, "currency": "usd"}
    processor, _ = recorded_processor([(200, bare)])
    made = await processor.transfer(
        amount_cents=5_000, currency="USD", destination="acct_provider", transfer_group="ord_2", idempotency_key="k"
    )
    assert made.destination_payment == ""


def balance_transaction(txn_id: str, source: Any) -> dict[str, Any]:
    return {"id": txn_id, "object": "balance_transaction", "type": "payment", "amount": 40_000, "source": source}


@pytest.mark.asyncio
async def test_a_providers_payout_is_read_as_the_transfers_payments_it_carried_every_page_of_them() -> None:
    first = {
        "object": "list",
        "url": "/v1/balance_transactions",
        "data": [
            balance_transaction("txn_1", "py_1"),
            balance_transaction("txn_2", {"id": "py_2", "object": "charge"}),
        ],
        "has_more": True,
    }
    second = {
        "object": "list",
        "url": "/v1/balance_transactions",
        "data": [balance_transaction("txn_3", "py_3")],
        "has_more": False,
    }
    processor, http = recorded_processor([(200, first), (200, second)])
    payments = await processor.payout_payments(account="acct_provider", payout_id="po_1")
    assert payments == ["py_1", "py_2", "py_3"]
    page_one, page_two = http.requests
    for request in (page_one, page_two):
        assert (request["method"], request["path"], request["stripe_account"]) == (
            "GET",
            "/v1/balance_transactions",
            "acct_provider",
        )
        assert request["form"] == {} and request["idempotency_key"] is None
    assert page_one["query"] == {"payout": ["po_1"], "type": ["payment"], "limit": ["100"]}
    assert page_two["query"] == {
        "payout": ["po_1"],
        "type": ["payment"],
        "limit": ["100"],
        "starting_after": ["txn_2"],
    }


@pytest.mark.asyncio
async def test_an_off_session_charge_sends_stripe_one_confirmed_automatic_capture_intent() -> None:
    processor, http = recorded_processor([(200, intent("succeeded", amount=4_500, amount_received=4_500))])
    charged = await processor.charge(
        amount_cents=4_500,
        currency="USD",
        payment_method_id="pm_saved",
        transfer_group="ord_1",
        idempotency_key="extra:ord_1:ext_1",
        metadata={"order_id": "ord_1"},
    )
    assert (charged.status, charged.amount_received_cents) == ("succeeded", 4_500)
    [create] = http.requests
    assert (create["method"], create["path"], create["idempotency_key"]) == (
        "POST",
        "/v1/payment_intents",
        "extra:ord_1:ext_1",
    )
    assert create["form"] == {
        "amount": "4500",
        "currency": "usd",
        "payment_method": "pm_saved",
        "payment_method_types[0]": "card",
        "confirm": "true",
        "off_session": "true",
        "capture_method": "automatic",
        "transfer_group": "ord_1",
        "metadata[order_id]": "ord_1",
    }


@pytest.mark.asyncio
async def test_a_buyers_customer_is_created_with_their_id_under_the_callers_key() -> None:
    processor, http = recorded_processor(
        [(200, {"id": "cus_recorded", "object": "customer", "metadata": {"buyer_id": "byr_1"}})]
    )
    assert await processor.customer(buyer_id="byr_1", idempotency_key="customer:byr_1") == "cus_recorded"
    [create] = http.requests
    assert (create["method"], create["path"], create["idempotency_key"]) == (
        "POST",
        "/v1/customers",
        "customer:byr_1",
    )
    assert create["form"] == {"metadata[buyer_id]": "byr_1"}


@pytest.mark.asyncio
async def test_a_buyers_card_is_saved_to_their_customer_at_authorization_then_charged_off_session_as_theirs() -> None:
    """Authorize as the buyer's customer (the card saved for off-session use), capture, then an
    off-session charge as that customer to the same card: the requests Stripe is sent.

    Recorded rather than against localstripe, which refuses a PaymentIntent's
    ``setup_future_usage`` ("Unexpected setup_future_usage"); the off-session charge as a customer
    is also run against localstripe
    (``test_an_extra_is_charged_off_session_as_the_buyers_customer_to_the_card_saved_to_it``).
    """
    processor, http = recorded_processor(
        [
            (200, intent("requires_confirmation", customer="cus_recorded", setup_future_usage="off_session")),
            (200, intent("requires_capture", amount_capturable=35_930, amount_received=0, customer="cus_recorded")),
            (200, intent("requires_capture", amount_capturable=35_930, amount_received=0, customer="cus_recorded")),
            (200, intent("succeeded", amount_capturable=0, amount_received=35_930, customer="cus_recorded")),
            (200, intent("succeeded", amount=4_500, amount_received=4_500, customer="cus_recorded")),
        ]
    )
    held = await processor.authorize(
        amount_cents=35_930,
        currency="USD",
        payment_method_id="pm_card_visa",
        idempotency_key="authorize:ord_1",
        metadata={"order_id": "ord_1"},
        customer_id="cus_recorded",
    )
    assert (held.status, held.amount_capturable_cents) == ("requires_capture", 35_930)
    captured = await processor.capture(intent_id=held.intent_id, amount_cents=35_930, idempotency_key="capture:ord_1")
    assert (captured.status, captured.amount_received_cents) == ("succeeded", 35_930)
    charged = await processor.charge(
        amount_cents=4_500,
        currency="USD",
        payment_method_id="pm_card_visa",
        transfer_group="ord_1",
        idempotency_key="extra:ord_1:ext_1",
        metadata={"order_id": "ord_1"},
        customer_id="cus_recorded",
    )
    assert (charged.status, charged.amount_received_cents) == ("succeeded", 4_500)

    create, confirm, read, capture, extra = http.requests
    assert (create["method"], create["path"], create["idempotency_key"]) == (
        "POST",
        "/v1/payment_intents",
        "authorize:ord_1:create",
    )
    assert create["form"] == {
        "amount": "35930",
        "currency": "usd",
        "payment_method": "pm_card_visa",
        "payment_method_types[0]": "card",
        "capture_method": "manual",
        "metadata[order_id]": "ord_1",
        "transfer_group": "ord_1",
        "customer": "cus_recorded",
        "setup_future_usage": "off_session",
    }
    assert (confirm["path"], confirm["form"], confirm["idempotency_key"]) == (
        "/v1/payment_intents/pi_recorded/confirm",
        {},
        "authorize:ord_1:confirm",
    )
    assert (read["method"], read["path"]) == ("GET", "/v1/payment_intents/pi_recorded")
    assert (capture["path"], capture["form"], capture["idempotency_key"]) == (
        "/v1/payment_intents/pi_recorded/capture",
        {"amount_to_capture": "35930"},
        "capture:ord_1",
    )
    assert (extra["method"], extra["path"], extra["idempotency_key"]) == (
        "POST",
        "/v1/payment_intents",
        "extra:ord_1:ext_1",
    )
    assert extra["form"] == {
        "amount": "4500",
        "currency": "usd",
        "payment_method": "pm_card_visa",
        "payment_method_types[0]": "card",
        "confirm": "true",
        "off_session": "true",
        "capture_method": "automatic",
        "transfer_group": "ord_1",
        "metadata[order_id]": "ord_1",
        "customer": "cus_recorded",
    }


@pytest.mark.asyncio
async def test_an_off_session_charge_stripe_refuses_for_want_of_the_buyer_is_declined() -> None:
    needs_buyer = {
        "error": {
            "type": "card_error",
            "code": "authentication_required",
            "decline_code": "authentication_required",
            "message": "Your card was declined. This transaction requires authentication.",
            "payment_intent": intent("requires_payment_method"),
        }
    }
    processor, _ = recorded_processor([(402, needs_buyer)])
    with pytest.raises(CardDeclined) as refused:
        await processor.charge(
            amount_cents=4_500,
            currency="USD",
            payment_method_id="pm_card_authenticationRequired",
            transfer_group="ord_1",
            idempotency_key="extra:ord_1:ext_1",
            metadata={"order_id": "ord_1"},
        )
    assert refused.value.decline_code == "authentication_required"


def dispute(status: str, submission_count: int) -> dict[str, Any]:
    return {
        "id": "dp_recorded",
        "object": "dispute",
        "amount": 35_930,
        "charge": "ch_recorded",
        "status": status,
        "evidence_details": {"submission_count": submission_count, "has_evidence": True, "past_due": False},
    }


@pytest.mark.asyncio
async def test_dispute_evidence_is_staged_then_submitted_as_stripe_expects() -> None:
    processor, http = recorded_processor(
        [(200, dispute("needs_response", 0)), (200, dispute("under_review", 1)), (200, dispute("under_review", 1))]
    )
    staged = await processor.update_dispute(
        dispute_id="dp_recorded",
        evidence={"uncategorized_text": "Shoot delivered on 3 May; call sheet signed.", "service_date": "2025-05-03"},
        submit=False,
        idempotency_key="dispute:dp_recorded:stage:1",
    )
    assert (staged.dispute_id, staged.status, staged.submission_count) == ("dp_recorded", "needs_response", 0)
    submitted = await processor.update_dispute(
        dispute_id="dp_recorded",
        evidence={"service_documentation": "file_call_sheet"},
        submit=True,
        idempotency_key="dispute:dp_recorded:submit",
    )
    assert (submitted.status, submitted.submission_count) == ("under_review", 1)
    await processor.update_dispute(
        dispute_id="dp_recorded", evidence={}, submit=True, idempotency_key="dispute:dp_recorded:submit:2"
    )
    stage, submit, submit_staged = http.requests
    assert (stage["method"], stage["path"], stage["idempotency_key"]) == (
        "POST",
        "/v1/disputes/dp_recorded",
        "dispute:dp_recorded:stage:1",
    )
    assert stage["form"] == {
        "evidence[uncategorized_text]": "Shoot delivered on 3 May; call sheet signed.",
        "evidence[service_date]": "2025-05-03",
        "submit": "false",
    }
    assert (submit["method"], submit["path"], submit["idempotency_key"]) == (
        "POST",
        "/v1/disputes/dp_recorded",
        "dispute:dp_recorded:submit",
    )
    assert submit["form"] == {"evidence[service_documentation]": "file_call_sheet", "submit": "true"}
    # Submitting what is staged sends no evidence at all, and ``submit`` even though Stripe's default is true.
    assert (submit_staged["path"], submit_staged["form"]) == ("/v1/disputes/dp_recorded", {"submit": "true"})
