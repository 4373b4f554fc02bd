"""Multi-service flows with no cross-service transaction: checkout, capture and cancellation as sagas.

Each test drives the real system through the gateway and checks the money in payments' own
tables: an authorization never outlives the checkout that failed to make its order, a retry never
charges twice, a crash in the middle resumes, and concurrent cancellations refund once.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from saga_tools import (
    BUYER,
    PROVIDER,
    advance_clock,
    arm,
    checkout,
    checkout_until_done,
    disarm,
    key,
    orders_of_quote,
    payments_of_quote,
    quote,
    refunds_of_order,
    wait_for,
)
from system_client import CANCEL, CONFIRM, ORDER, GraphQLError, System

FAILPOINT = "checkout.before_create_order"
MONEY_EVENTS = {"order.authorized", "payment.authorized", "order.confirmed", "payment.captured"}


def subtypes(system: System, order_id: str) -> list[str]:
    edges = system.gql(BUYER, ORDER, {"id": order_id})["order"]["timeline"]["edges"]
    return [edge["node"]["subtype"] for edge in edges]


def test_twenty_bookings_each_show_their_authorization_and_capture_on_the_timeline(system: System) -> None:
    order_ids = []
    for _ in range(20):
        order = checkout(system, quote(system)["id"], key())
        system.gql(PROVIDER, CONFIRM, {"i": {"orderId": order["id"], "expectedVersion": 1, "idempotencyKey": key()}})
        order_ids.append(order["id"])
    for order_id in order_ids:
        seen = wait_for(
            lambda order_id=order_id: subtypes(system, order_id),
            lambda found: set(found) >= MONEY_EVENTS,
            what=f"the money events on the timeline of {order_id}",
        )
        assert all(seen.count(subtype) == 1 for subtype in MONEY_EVENTS), seen
        # Payment events keep the order payments emitted them in.
        assert seen.index("payment.authorized") < seen.index("payment.captured")


def test_a_failure_after_the_authorization_is_retried_and_the_retry_makes_one_order(system: System) -> None:
    quoted = quote(system)
    idempotency_key = key()
    arm(system, "orders", FAILPOINT, times=1)
    try:
        with pytest.raises(GraphQLError) as first:
            checkout(system, quoted["id"], idempotency_key)
        assert first.value.code == "UNAVAILABLE"
        order = checkout_until_done(system, quoted["id"], idempotency_key)
    finally:
        disarm(system, "orders")
    assert order["state"] == "AUTHORIZED"
    assert checkout(system, quoted["id"], idempotency_key)["id"] == order["id"]
    assert orders_of_quote(system, quoted["id"]) == [order["id"]]
    assert payments_of_quote(system, quoted["id"]) == [("authorized", quoted["total"]["amountCents"])]
    assert subtypes(system, order["id"]).count("order.authorized") == 1


def test_an_order_that_cannot_be_made_before_the_quote_expires_has_its_authorization_voided(system: System) -> None:
    quoted = quote(system)
    idempotency_key = key()
    arm(system, "orders", FAILPOINT)
    try:
        with pytest.raises(GraphQLError) as failed:
            checkout(system, quoted["id"], idempotency_key)
        assert failed.value.code == "UNAVAILABLE"
        assert payments_of_quote(system, quoted["id"]) == [("authorized", quoted["total"]["amountCents"])]
        advance_clock(system, 31 * 60)  # past the quote's expiry: the sweeper gives up and compensates
        wait_for(
            lambda: payments_of_quote(system, quoted["id"]),
            lambda payments: payments == [("voided", quoted["total"]["amountCents"])],
            what="the orphan authorization voided",
        )
    finally:
        disarm(system, "orders")
    with pytest.raises(GraphQLError) as retried:
        checkout(system, quoted["id"], idempotency_key)
    assert (retried.value.code, retried.value.extensions["reason"]) == ("FAILED_PRECONDITION", "TIMED_OUT")
    assert orders_of_quote(system, quoted["id"]) == []
    assert payments_of_quote(system, quoted["id"]) == [("voided", quoted["total"]["amountCents"])]


def test_orders_killed_between_authorization_and_order_resumes_without_a_second_charge(system: System) -> None:
    quoted = quote(system)
    idempotency_key = key()
    arm(system, "orders", FAILPOINT, crash=True, times=1)
    with pytest.raises(GraphQLError) as crashed:
        checkout(system, quoted["id"], idempotency_key)
    assert crashed.value.code == "UNAVAILABLE"
    orders = system.stack.processes["orders"]
    orders.popen.wait(timeout=10)
    assert payments_of_quote(system, quoted["id"]) == [("authorized", quoted["total"]["amountCents"])]

    system.stack.start_service("orders")
    system.stack.wait_ready()
    advance_clock(system, 60)  # past the dead driver's lease: the sweeper takes the saga over
    made = wait_for(lambda: orders_of_quote(system, quoted["id"]), bool, what="the order made after the restart")
    order = checkout_until_done(system, quoted["id"], idempotency_key)
    assert made == [order["id"]]
    assert payments_of_quote(system, quoted["id"]) == [("authorized", quoted["total"]["amountCents"])]


def test_twenty_concurrent_cancellations_with_different_keys_refund_once(system: System) -> None:
    quoted = quote(system)
    order = checkout(system, quoted["id"], key())
    system.gql(PROVIDER, CONFIRM, {"i": {"orderId": order["id"], "expectedVersion": 1, "idempotencyKey": key()}})

    def cancel(_: int) -> str:
        try:
            system.gql(BUYER, CANCEL, {"i": {"orderId": order["id"], "expectedVersion": 2, "idempotencyKey": key()}})
        except GraphQLError as error:
            return str(error.code)
        return "CANCELLED"

    with ThreadPoolExecutor(20) as pool:
        outcomes = list(pool.map(cancel, range(20)))
    assert outcomes.count("CANCELLED") == 1
    assert set(outcomes) <= {"CANCELLED", "CONFLICT", "FAILED_PRECONDITION"}
    total = quoted["total"]["amountCents"]
    payment = wait_for(
        lambda: system.gql(BUYER, ORDER, {"id": order["id"]})["order"]["payment"],
        lambda found: found["refunded"]["amountCents"] > 0,
        what="the refund",
    )
    assert payment["refunded"]["amountCents"] == total  # more than 72 h ahead: everything back
    assert refunds_of_order(system, order["id"]) == [total]
    wait_for(lambda: subtypes(system, order["id"]), lambda found: "refund.issued" in found, what="the refund event")
    assert subtypes(system, order["id"]).count("refund.issued") == 1
