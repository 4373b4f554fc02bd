"""Stripe's webhook deliveries through the gateway to payments: signed or refused, once by event id.

Signed as Stripe signs them (the SDK's own helper), with the dev endpoint secret the stack runs with.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import psycopg
import pytest
import stripe
from saga_tools import checkout, key, quote, wait_for
from system_client import CONFIRM, ORDER, QUOTE, GraphQLError, System, fresh_slot, quote_input

from services.payments.config import DEV_WEBHOOK_SECRET

BUYER = "u_buyer_1"


def event(kind: str, intent_id: str) -> bytes:
    return json.dumps(
        {
            "id": f"evt_{uuid.uuid4().hex[:24]}",
            "object": "event",
            "api_version": "2025-01-27.acacia",
            "created": int(time.time()),
            "livemode": False,
            "type": kind,
            "data": {"object": {"id": intent_id, "object": "payment_intent", "status": "canceled"}},
        }
    ).encode()


def deliver(system: System, body: bytes, *, secret: str = DEV_WEBHOOK_SECRET) -> Any:
    signature = stripe.WebhookSignature.generate_signature_header(body.decode(), secret)
    return system.http.post(
        "/webhooks/stripe", content=body, headers={"Stripe-Signature": signature, "Content-Type": "application/json"}
    )


def intent_of(system: System, order_id: str) -> str:
    with psycopg.connect(system.stack.service_urls["payments"]) as conn:
        row = conn.execute("SELECT provider_intent_id FROM pay.payment WHERE order_id = %s", (order_id,)).fetchone()
    assert row is not None
    return str(row[0])


def recorded(system: System, event_id: str) -> list[tuple[str, bool]]:
    with psycopg.connect(system.stack.service_urls["payments"]) as conn:
        rows = conn.execute("SELECT type, handled FROM pay.stripe_event WHERE event_id = %s", (event_id,)).fetchall()
    return [(str(kind), bool(handled)) for kind, handled in rows]


def test_a_hold_stripe_released_is_voided_once_however_often_the_event_arrives(system: System) -> None:
    order = checkout(system, quote(system)["id"], key())
    body = event("payment_intent.canceled", intent_of(system, order["id"]))
    event_id = json.loads(body)["id"]
    answers = [deliver(system, body) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.json()["duplicate"] for a in answers] == [False, True, True]
    assert recorded(system, event_id) == [("payment_intent.canceled", True)]
    payment = wait_for(
        lambda: system.gql(BUYER, ORDER, {"id": order["id"]})["order"]["payment"],
        lambda found: found is not None and found["captured"]["amountCents"] == 0,
        what="the voided payment",
    )
    assert payment["authorized"]["amountCents"] > 0
    with psycopg.connect(system.stack.service_urls["payments"]) as conn:
        kinds = conn.execute(
            "SELECT kind FROM pay.ledger_entry WHERE order_id = %s ORDER BY created_at", (order["id"],)
        ).fetchall()
        status = conn.execute("SELECT status FROM pay.payment WHERE order_id = %s", (order["id"],)).fetchone()
    assert [str(k) for (k,) in kinds] == ["authorization", "void"] and status == ("voided",)


def test_a_late_event_of_a_type_payments_does_not_act_on_is_recorded_and_ignored(system: System) -> None:
    order = checkout(system, quote(system)["id"], key())
    body = event("payment_intent.amount_capturable_updated", intent_of(system, order["id"]))
    answer = deliver(system, body)
    assert answer.status_code == 200 and answer.json()["duplicate"] is False
    assert recorded(system, json.loads(body)["id"]) == [("payment_intent.amount_capturable_updated", False)]
    with psycopg.connect(system.stack.service_urls["payments"]) as conn:
        status = conn.execute("SELECT status FROM pay.payment WHERE order_id = %s", (order["id"],)).fetchone()
    assert status == ("authorized",)


def test_a_delivery_with_a_bad_or_missing_signature_is_400_and_changes_nothing(system: System) -> None:
    order = checkout(system, quote(system)["id"], key())
    body = event("payment_intent.canceled", intent_of(system, order["id"]))
    forged = deliver(system, body, secret="whsec_someone_else")
    unsigned = system.http.post("/webhooks/stripe", content=body, headers={"Content-Type": "application/json"})
    for answer in (forged, unsigned):
        assert answer.status_code == 400
        assert answer.json()["error"]["violations"][0]["field"] == "signature"
    assert recorded(system, json.loads(body)["id"]) == []
    with psycopg.connect(system.stack.service_urls["payments"]) as conn:
        status = conn.execute("SELECT status FROM pay.payment WHERE order_id = %s", (order["id"],)).fetchone()
    assert status == ("authorized",)


def account_event(*, created: int, active: bool) -> bytes:
    account = {
        "id": "acct_dev_u_provider_2",
        "object": "account",
        "details_submitted": True,
        "charges_enabled": active,
        "payouts_enabled": active,
        "requirements": {"currently_due": [] if active else ["individual.verification.document"], "past_due": []},
    }
    return json.dumps(
        {
            "id": f"evt_{uuid.uuid4().hex[:24]}",
            "object": "event",
            "created": created,
            "livemode": False,
            "type": "account.updated",
            "data": {"object": account},
        }
    ).encode()


def test_only_a_provider_whose_payout_account_stripe_enabled_can_confirm(system: System) -> None:
    model = "u_provider_2"
    start, end = fresh_slot()
    quoted = system.gql(BUYER, QUOTE, {"i": quote_input(start, end, provider=model, role="model")})["createQuote"]
    order = checkout(system, quoted["id"], key())
    now = int(time.time())
    assert deliver(system, account_event(created=now, active=False)).status_code == 200
    confirm = {"i": {"orderId": order["id"], "expectedVersion": 1, "idempotencyKey": key()}}
    with pytest.raises(GraphQLError) as refused:
        system.gql(model, CONFIRM, confirm)
    assert (refused.value.code, refused.value.extensions["reason"]) == ("FAILED_PRECONDITION", "PROVIDER_NOT_ACTIVE")
    assert "restricted" in refused.value.errors[0]["message"]

    assert deliver(system, account_event(created=now + 2, active=True)).status_code == 200
    # An older snapshot of the account arriving late changes nothing.
    assert deliver(system, account_event(created=now + 1, active=False)).status_code == 200
    confirmed = system.gql(model, CONFIRM, confirm)["confirmOrder"]
    assert confirmed["state"] == "CONFIRMED"
