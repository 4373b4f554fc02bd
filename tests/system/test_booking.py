"""Booking checkout to confirmation through the gateway, over every service, on real infrastructure."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from otlp_collector import Collector
from saga_tools import wait_for
from system_client import CANCEL, CHECKOUT, CONFIRM, ORDER, QUOTE, GraphQLError, System, fresh_slot, quote_input

from devstack.tokens import mint

BUYER, PROVIDER, STRANGER = "u_buyer_1", "u_provider_1", "u_buyer_2"


def key() -> str:
    return uuid.uuid4().hex


def book(system: System, *, method: str = "pm_card_visa") -> dict[str, Any]:
    """Quotes a fresh slot and checks it out as the buyer."""
    start, end = fresh_slot()
    quote = system.gql(BUYER, QUOTE, {"i": quote_input(start, end)})["createQuote"]
    order: dict[str, Any] = system.gql(
        BUYER, CHECKOUT, {"i": {"quoteId": quote["id"], "paymentMethodId": method, "idempotencyKey": key()}}
    )["checkout"]
    return order


def test_checkout_to_confirmation_reaches_timeline_mailbox_and_one_trace(system: System, collector: Collector) -> None:
    start, end = fresh_slot(hours=2)
    quote = system.gql(BUYER, QUOTE, {"i": quote_input(start, end)})["createQuote"]
    # 2 h at 150.00/h, 10 % fee, New York tax 8.88 % on subtotal + fee.
    assert quote["subtotal"]["amountCents"] == 30_000
    assert quote["platformFee"]["amountCents"] == 3_000
    assert quote["tax"]["amountCents"] == 2_930
    assert quote["total"] == {"amountCents": 35_930, "currency": "USD"}
    tiers = quote["policySnapshot"]["buyerCancellationTiers"]
    assert [(t["minHoursBeforeStart"], t["refundPercent"]) for t in tiers] == [(72, 100), (24, 50), (0, 0)]

    order = system.gql(
        BUYER, CHECKOUT, {"i": {"quoteId": quote["id"], "paymentMethodId": "pm_card_visa", "idempotencyKey": key()}}
    )["checkout"]
    assert order["state"] == "AUTHORIZED"
    confirmed = system.gql(
        PROVIDER, CONFIRM, {"i": {"orderId": order["id"], "expectedVersion": order["version"], "idempotencyKey": key()}}
    )["confirmOrder"]
    assert confirmed["state"] == "CONFIRMED"
    assert confirmed["version"] == order["version"] + 1

    # The capture follows the confirmation at once, in the background.
    seen = wait_for(
        lambda: system.gql(BUYER, ORDER, {"id": order["id"]})["order"],
        lambda found: found["payment"]["captured"]["amountCents"] == 35_930,
        what="the capture of the confirmed order",
    )
    subtypes = [edge["node"]["subtype"] for edge in seen["timeline"]["edges"]]
    assert subtypes.index("order.authorized") < subtypes.index("order.confirmed")
    assert seen["priceSnapshot"]["totalCents"] == 35_930

    mails = system.wait_for_mail(f"{BUYER}@example.test", "Booking confirmed", about=order["id"])
    assert len(mails) == 1

    spans = collector.wait_for_trace(
        services={"callsheet-gateway", "callsheet-orders", "callsheet-payments", "callsheet-notify"},
        containing="consume order.confirmed",
    )
    assert any(s.service == "callsheet-payments" and "CapturePayment" in s.name for s in spans)


def test_a_declined_card_fails_and_leaves_no_authorized_order(system: System) -> None:
    with pytest.raises(GraphQLError) as failure:
        book(system, method="pm_card_chargeDeclined")
    assert failure.value.code == "FAILED_PRECONDITION"
    assert failure.value.extensions["reason"] == "PAYMENT_DECLINED"
    orders = system.gql(BUYER, "{ orders(first: 100) { edges { node { id state } } } }")["orders"]["edges"]
    assert all(edge["node"]["state"] != "CREATED" for edge in orders)


def test_one_idempotency_key_sent_many_times_at_once_makes_one_order(system: System) -> None:
    start, end = fresh_slot()
    quote = system.gql(BUYER, QUOTE, {"i": quote_input(start, end)})["createQuote"]
    variables = {"i": {"quoteId": quote["id"], "paymentMethodId": "pm_card_visa", "idempotencyKey": key()}}
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: system.gql(BUYER, CHECKOUT, variables)["checkout"], range(8)))
    assert len({r["id"] for r in results}) == 1
    again = system.gql(BUYER, CHECKOUT, variables)["checkout"]
    assert again["id"] == results[0]["id"]
    timeline = system.gql(BUYER, ORDER, {"id": again["id"]})["order"]["timeline"]["edges"]
    assert [e["node"]["subtype"] for e in timeline].count("order.authorized") == 1

    variables["i"]["paymentMethodId"] = "pm_card_mastercard"
    with pytest.raises(GraphQLError) as mismatch:
        system.gql(BUYER, CHECKOUT, variables)
    assert mismatch.value.code == "IDEMPOTENCY_MISMATCH"


def test_a_quote_retried_with_its_idempotency_key_is_the_first_quote(system: System) -> None:
    start, end = fresh_slot()
    keyed = {**quote_input(start, end), "idempotencyKey": key()}
    first = system.gql(BUYER, QUOTE, {"i": keyed})["createQuote"]
    assert system.gql(BUYER, QUOTE, {"i": keyed})["createQuote"] == first
    with pytest.raises(GraphQLError) as changed:
        system.gql(BUYER, QUOTE, {"i": {**keyed, "timezone": "Europe/Berlin"}})
    assert changed.value.code == "IDEMPOTENCY_MISMATCH"

    unkeyed = [system.gql(BUYER, QUOTE, {"i": quote_input(start, end)})["createQuote"]["id"] for _ in range(2)]
    assert len({first["id"], *unkeyed}) == 3


def test_a_non_participant_learns_nothing_of_the_order(system: System) -> None:
    order = book(system)
    with pytest.raises(GraphQLError) as failure:
        system.gql(STRANGER, ORDER, {"id": order["id"]})
    assert failure.value.code == "NOT_FOUND"
    with pytest.raises(GraphQLError) as command:
        system.gql(STRANGER, CANCEL, {"i": {"orderId": order["id"], "expectedVersion": 1, "idempotencyKey": key()}})
    assert command.value.code == "NOT_FOUND"

    command_body = {"expectedVersion": order["version"], "idempotencyKey": key()}
    for method, path, body in [
        ("GET", "", None),
        ("GET", "/timeline", None),
        ("GET", "/payment", None),
        ("POST", "/confirm", command_body),
        ("POST", "/cancel", command_body),
    ]:
        for user, order_id in [(STRANGER, order["id"]), (BUYER, "ord_unknown")]:
            response = system.rest(user, method, f"/v1/orders/{order_id}{path}", body)
            assert (path, response.status_code, response.json()["error"]["code"]) == (path, 404, "NOT_FOUND")
    assert system.rest(BUYER, "GET", f"/v1/orders/{order['id']}/payment").json()["authorized"]["amountCents"] > 0


def test_the_buyer_cannot_confirm_and_a_stale_version_is_a_conflict(system: System) -> None:
    order = book(system)
    with pytest.raises(GraphQLError) as denied:
        system.gql(BUYER, CONFIRM, {"i": {"orderId": order["id"], "expectedVersion": 1, "idempotencyKey": key()}})
    assert denied.value.code == "PERMISSION_DENIED"
    with pytest.raises(GraphQLError) as stale:
        system.gql(PROVIDER, CONFIRM, {"i": {"orderId": order["id"], "expectedVersion": 99, "idempotencyKey": key()}})
    assert stale.value.code == "CONFLICT"
    assert stale.value.extensions["currentVersion"] == order["version"]


def test_malformed_input_is_rejected_naming_the_field(system: System) -> None:
    start, end = fresh_slot()
    with pytest.raises(GraphQLError) as backwards:
        system.gql(BUYER, QUOTE, {"i": quote_input(end, start)})
    assert backwards.value.code == "INVALID_ARGUMENT"
    assert "input.endUtc" in [v["field"] for v in backwards.value.extensions["violations"]]
    bad = quote_input(start, end)
    bad["timezone"] = "Mars/Olympus"
    with pytest.raises(GraphQLError) as zone:
        system.gql(BUYER, QUOTE, {"i": bad})
    assert [v["field"] for v in zone.value.extensions["violations"]] == ["input.timezone"]
    with pytest.raises(GraphQLError) as no_offset:
        system.gql(BUYER, QUOTE, {"i": quote_input(start.replace("Z", ""), end)})
    assert no_offset.value.code == "INVALID_ARGUMENT"


def test_a_confirmed_slot_cannot_be_booked_again(system: System) -> None:
    start, end = fresh_slot()
    first = system.gql(BUYER, QUOTE, {"i": quote_input(start, end)})["createQuote"]
    second = system.gql("u_buyer_2", QUOTE, {"i": quote_input(start, end)})["createQuote"]
    a = system.gql(
        BUYER, CHECKOUT, {"i": {"quoteId": first["id"], "paymentMethodId": "pm_card_visa", "idempotencyKey": key()}}
    )
    b = system.gql(
        "u_buyer_2",
        CHECKOUT,
        {"i": {"quoteId": second["id"], "paymentMethodId": "pm_card_visa", "idempotencyKey": key()}},
    )
    system.gql(
        PROVIDER, CONFIRM, {"i": {"orderId": a["checkout"]["id"], "expectedVersion": 1, "idempotencyKey": key()}}
    )
    with pytest.raises(GraphQLError) as taken:
        system.gql(
            PROVIDER, CONFIRM, {"i": {"orderId": b["checkout"]["id"], "expectedVersion": 1, "idempotencyKey": key()}}
        )
    assert taken.value.extensions["reason"] == "SLOT_TAKEN"
    with pytest.raises(GraphQLError) as quote_taken:
        system.gql(BUYER, QUOTE, {"i": quote_input(start, end)})
    assert quote_taken.value.extensions["reason"] == "SLOT_TAKEN"


def test_cancelling_voids_an_authorization_and_refunds_a_capture_by_policy(system: System) -> None:
    authorized = book(system)
    cancelled = system.gql(
        BUYER,
        CANCEL,
        {"i": {"orderId": authorized["id"], "expectedVersion": 1, "idempotencyKey": key(), "reason": "plans changed"}},
    )["cancelOrder"]
    assert cancelled["state"] == "CANCELLED"
    payment = system.gql(BUYER, ORDER, {"id": authorized["id"]})["order"]["payment"]
    assert payment["captured"]["amountCents"] == 0 and payment["refunded"]["amountCents"] == 0

    confirmed = book(system)
    system.gql(PROVIDER, CONFIRM, {"i": {"orderId": confirmed["id"], "expectedVersion": 1, "idempotencyKey": key()}})
    system.gql(PROVIDER, CANCEL, {"i": {"orderId": confirmed["id"], "expectedVersion": 2, "idempotencyKey": key()}})
    # The money moves right after the answers, the capture first, then the refund by policy.
    wait_for(
        lambda: system.gql(BUYER, ORDER, {"id": confirmed["id"]})["order"]["payment"],
        lambda payment: payment["refunded"]["amountCents"] == payment["captured"]["amountCents"] == 35_930,
        what="the capture and the full refund of a cancellation 3 days ahead",
    )
    with pytest.raises(GraphQLError) as again:
        system.gql(BUYER, CANCEL, {"i": {"orderId": confirmed["id"], "expectedVersion": 3, "idempotencyKey": key()}})
    assert again.value.code == "FAILED_PRECONDITION"


def test_the_email_arrives_exactly_once_when_nats_restarts_mid_scenario(system: System) -> None:
    if system.stack.nats is None:
        pytest.skip("NATS_URL points at a server this test may not stop")
    order = book(system)
    system.stack.nats.stop()
    try:
        confirmed = system.gql(
            PROVIDER, CONFIRM, {"i": {"orderId": order["id"], "expectedVersion": 1, "idempotencyKey": key()}}
        )["confirmOrder"]
        assert confirmed["state"] == "CONFIRMED"
        time.sleep(2)
    finally:
        system.stack.nats.start()
    mails = system.wait_for_mail(f"{BUYER}@example.test", "Booking confirmed", about=order["id"], timeout=60)
    time.sleep(3)
    mails = system.mails_about(f"{BUYER}@example.test", "Booking confirmed", order["id"])
    assert len(mails) == 1


def test_a_stranger_gets_404_on_every_rest_route_of_an_order(system: System) -> None:
    order = book(system)
    token = mint(STRANGER, [], secret=system.stack.jwt_secret)
    headers = {"Authorization": f"Bearer {token}"}
    command = {"expectedVersion": 1, "idempotencyKey": key()}
    base = f"/v1/orders/{order['id']}"
    for method, path, body in (
        ("GET", base, None),
        ("GET", f"{base}/timeline", None),
        ("GET", f"{base}/payment", None),
        ("POST", f"{base}/confirm", command),
        ("POST", f"{base}/cancel", command),
        ("GET", "/v1/orders/ord_does_not_exist/payment", None),
    ):
        response = system.http.request(method, path, json=body, headers=headers)
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["error"]["code"] == "NOT_FOUND"
    assert system.gql(BUYER, ORDER, {"id": order["id"]})["order"]["state"] == "AUTHORIZED"
