"""Reaching into the running system for the saga tests: failpoints, the clock, the payments ledger."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import psycopg
from system_client import CHECKOUT, QUOTE, GraphQLError, System, fresh_slot, quote_input, rpc

from callsheet.failpoints.v1 import failpoints_pb2, failpoints_pb2_grpc

BUYER, PROVIDER = "u_buyer_1", "u_provider_1"
ADVANCE = "mutation($s: Int!) { advanceClock(seconds: $s) }"
T = TypeVar("T")


def key() -> str:
    return uuid.uuid4().hex


def arm(system: System, service: str, name: str, *, crash: bool = False, times: int = 0) -> None:
    """Arms a failpoint of a running service."""
    action = failpoints_pb2.FAILPOINT_ACTION_CRASH if crash else failpoints_pb2.FAILPOINT_ACTION_ERROR
    request = failpoints_pb2.ArmFailpointRequest(name=name, action=action, times=times)
    rpc(system, service, failpoints_pb2_grpc.FailpointServiceStub, "ArmFailpoint", request)


def disarm(system: System, service: str) -> None:
    """Disarms every failpoint of a running service."""
    request = failpoints_pb2.DisarmFailpointRequest()
    rpc(system, service, failpoints_pb2_grpc.FailpointServiceStub, "DisarmFailpoint", request)


def advance_clock(system: System, seconds: int) -> None:
    """Moves every service's clock forward."""
    system.gql("u_admin", ADVANCE, {"s": seconds}, roles=["admin"])


def quote(system: System, buyer: str = BUYER) -> dict[str, Any]:
    """A quote of a fresh slot."""
    start, end = fresh_slot()
    quoted: dict[str, Any] = system.gql(buyer, QUOTE, {"i": quote_input(start, end)})["createQuote"]
    return quoted


def checkout(system: System, quote_id: str, idempotency_key: str, buyer: str = BUYER) -> dict[str, Any]:
    """Checks out a quote (raises GraphQLError when it fails)."""
    variables = {"i": {"quoteId": quote_id, "paymentMethodId": "pm_card_visa", "idempotencyKey": idempotency_key}}
    order: dict[str, Any] = system.gql(buyer, CHECKOUT, variables)["checkout"]
    return order


def checkout_until_done(system: System, quote_id: str, idempotency_key: str, timeout: float = 30) -> dict[str, Any]:
    """Repeats a checkout with its key while the saga is still retrying (UNAVAILABLE), as a client would."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return checkout(system, quote_id, idempotency_key)
        except GraphQLError as error:
            if error.code != "UNAVAILABLE" or time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def payments_of_quote(system: System, quote_id: str) -> list[tuple[str, int]]:
    """(status, authorized cents) of every payment made for a quote, read from payments' own schema."""
    with psycopg.connect(system.stack.service_urls["payments"]) as conn:
        rows = conn.execute(
            "SELECT status, authorized_cents FROM pay.payment WHERE quote_id = %s ORDER BY created_at", (quote_id,)
        ).fetchall()
    return [(str(status), int(cents)) for status, cents in rows]


def orders_of_quote(system: System, quote_id: str) -> list[str]:
    """The ids of the orders made from a quote, read from orders' own schema."""
    with psycopg.connect(system.stack.service_urls["orders"]) as conn:
        rows = conn.execute('SELECT order_id FROM ord."order" WHERE quote_id = %s', (quote_id,)).fetchall()
    return [str(row[0]) for row in rows]


def refunds_of_order(system: System, order_id: str) -> list[int]:
    """The amounts of the refunds of an order's payment."""
    with psycopg.connect(system.stack.service_urls["payments"]) as conn:
        rows = conn.execute(
            "SELECT r.amount_cents FROM pay.refund r JOIN pay.payment p USING (payment_id) WHERE p.order_id = %s",
            (order_id,),
        ).fetchall()
    return [int(row[0]) for row in rows]


def wait_for(probe: Callable[[], T], done: Callable[[T], bool], *, timeout: float = 30, what: str = "") -> T:
    """Polls ``probe`` until ``done`` holds of its value; fails naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what or 'the condition'} never held; last seen: {value!r}")
        time.sleep(0.2)
