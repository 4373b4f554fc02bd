"""The dev clock moves every service at once; the in-app feed tells participants what happened."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from system_client import CHECKOUT, CONFIRM, ORDER, QUOTE, GraphQLError, System, quote_input

ADVANCE = "mutation($s: Int!) { advanceClock(seconds: $s) }"
FEED = "{ notifications(first: 50) { edges { node { eventType title body channel status orderId } } } }"


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def test_the_feed_tells_the_buyer_of_the_booking(system: System) -> None:
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=40, hours=3)
    quote = system.gql("u_buyer_2", QUOTE, {"i": quote_input(stamp(start), stamp(start + timedelta(hours=1)))})
    order = system.gql(
        "u_buyer_2",
        CHECKOUT,
        {
            "i": {
                "quoteId": quote["createQuote"]["id"],
                "paymentMethodId": "pm_card_visa",
                "idempotencyKey": uuid.uuid4().hex,
            }
        },
    )["checkout"]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        told = [
            (e["node"]["orderId"], e["node"]["eventType"])
            for e in system.gql("u_buyer_2", FEED)["notifications"]["edges"]
        ]
        if (order["id"], "order.authorized") in told:
            break
        time.sleep(0.2)
    else:
        raise AssertionError("the booking never reached the buyer's feed")
    node = next(
        e["node"]
        for e in system.gql("u_buyer_2", FEED)["notifications"]["edges"]
        if (e["node"]["orderId"], e["node"]["eventType"]) == (order["id"], "order.authorized")
    )
    assert (node["channel"], node["status"]) == ("in_app", "sent")
    assert node["title"] == "Booking requested" and "hold" in node["body"]


def test_only_an_admin_moves_the_clock_and_every_service_follows(system: System) -> None:
    with pytest.raises(GraphQLError) as denied:
        system.gql("u_buyer_1", ADVANCE, {"s": 60})
    assert denied.value.code == "PERMISSION_DENIED"

    # A booking starting soon, and a quote left to expire.
    now = datetime.fromisoformat(system.gql("u_admin", ADVANCE, {"s": 1}, roles=["admin"])["advanceClock"])
    start = now.replace(second=0, microsecond=0) + timedelta(days=3)
    quote = system.gql("u_buyer_1", QUOTE, {"i": quote_input(stamp(start), stamp(start + timedelta(hours=2)))})
    order = system.gql(
        "u_buyer_1",
        CHECKOUT,
        {
            "i": {
                "quoteId": quote["createQuote"]["id"],
                "paymentMethodId": "pm_card_visa",
                "idempotencyKey": uuid.uuid4().hex,
            }
        },
    )["checkout"]
    system.gql(
        "u_provider_1",
        CONFIRM,
        {"i": {"orderId": order["id"], "expectedVersion": 1, "idempotencyKey": uuid.uuid4().hex}},
    )
    late = system.gql(
        "u_buyer_2",
        QUOTE,
        {"i": quote_input(stamp(start + timedelta(days=1)), stamp(start + timedelta(days=1, hours=1)))},
    )

    moved = datetime.fromisoformat(
        system.gql("u_admin", ADVANCE, {"s": 3 * 86400 + 600}, roles=["admin"])["advanceClock"]
    )
    assert moved - now >= timedelta(days=3)

    with pytest.raises(GraphQLError) as expired:
        system.gql(
            "u_buyer_2",
            CHECKOUT,
            {
                "i": {
                    "quoteId": late["createQuote"]["id"],
                    "paymentMethodId": "pm_card_visa",
                    "idempotencyKey": uuid.uuid4().hex,
                }
            },
        )
    assert expired.value.extensions["reason"] == "QUOTE_EXPIRED"

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if system.gql("u_buyer_1", ORDER, {"id": order["id"]})["order"]["state"] == "IN_PROGRESS":
            break
        time.sleep(0.3)
    seen = system.gql("u_buyer_1", ORDER, {"id": order["id"]})["order"]
    assert seen["state"] == "IN_PROGRESS"
    started = [e["node"] for e in seen["timeline"]["edges"] if e["node"]["subtype"] == "order.in_progress"]
    assert len(started) == 1 and started[0]["actorUserId"] is None
