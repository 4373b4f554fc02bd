"""Cancellations through the gateway, to the cent: the refund by the policy's tier, the ledger, the timeline.

The standard policy gives a buyer back everything 72 hours or more ahead, half from 24 hours, and
nothing later; a provider's cancellation gives back everything. Bookings of ``u_provider_2`` (a
model at 200.00 an hour, in New York: 400.00 + 40.00 fee + 39.07 tax = 479.07) within the next
days, where no other test books, so their slots are free.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from saga_tools import checkout, key, wait_for
from system_client import CANCEL, CONFIRM, ORDER, QUOTE, System, quote_input, rpc
from test_ledger import ledger

from callsheet.clock.v1 import clock_pb2, clock_pb2_grpc
from callsheet_kit.proto import datetime_of

BUYER, MODEL = "u_buyer_1", "u_provider_2"
PAYABLE = f"provider_payable:{MODEL}"
TOTAL = 47_907


def service_now(system: System) -> datetime:
    """The system's "now" (other tests may have moved the dev clock ahead of the wall clock)."""
    answer = rpc(system, "payments", clock_pb2_grpc.ClockServiceStub, "GetClock", clock_pb2.GetClockRequest())
    now = datetime_of(answer.now)
    assert now is not None
    return now


def _utc(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def confirmed_booking(system: System, hours_ahead: float) -> str:
    start = (service_now(system) + timedelta(hours=hours_ahead)).replace(second=0, microsecond=0)
    slot = quote_input(_utc(start), _utc(start + timedelta(hours=2)), provider=MODEL, role="model")
    quoted = system.gql(BUYER, QUOTE, {"i": slot})["createQuote"]
    assert quoted["total"]["amountCents"] == TOTAL
    order = checkout(system, quoted["id"], key())
    system.gql(MODEL, CONFIRM, {"i": {"orderId": order["id"], "expectedVersion": 1, "idempotencyKey": key()}})
    wait_for(lambda: ledger(system, order["id"]), lambda found: len(found["entries"]) == 2, what="the capture")
    return str(order["id"])


@pytest.mark.parametrize(
    ("hours_ahead", "who", "refunded", "left"),
    [
        # 100 h ahead: everything back.
        (100, BUYER, TOTAL, {"platform_cash": 0, PAYABLE: 0, "platform_fee_revenue": 0, "tax_payable": 0}),
        # 48 h ahead: half of the subtotal, the fee and the tax (39.07 / 2 rounds half up to 19.54).
        (
            48,
            BUYER,
            23_954,
            {"platform_cash": 23_953, PAYABLE: -20_000, "platform_fee_revenue": -2_000, "tax_payable": -1_953},
        ),
        # 10 h ahead: nothing back; the provider keeps the subtotal.
        (
            10,
            BUYER,
            0,
            {"platform_cash": TOTAL, PAYABLE: -40_000, "platform_fee_revenue": -4_000, "tax_payable": -3_907},
        ),
        # The provider cancelling gives everything back, however late.
        (10, MODEL, TOTAL, {"platform_cash": 0, PAYABLE: 0, "platform_fee_revenue": 0, "tax_payable": 0}),
    ],
    ids=["buyer-100h", "buyer-48h", "buyer-10h", "provider-10h"],
)
def test_a_cancellation_refunds_by_the_tier_and_the_ledger_balances_to_the_cent(
    system: System, hours_ahead: float, who: str, refunded: int, left: dict[str, int]
) -> None:
    order_id = confirmed_booking(system, hours_ahead)
    system.gql(who, CANCEL, {"i": {"orderId": order_id, "expectedVersion": 2, "idempotencyKey": key()}})
    expected_entries = ["authorization", "capture", "refund"] if refunded else ["authorization", "capture"]
    settled = wait_for(
        lambda: system.gql(BUYER, ORDER, {"id": order_id})["order"],
        lambda order: (
            order["state"] == "CANCELLED"
            and order["payment"]["refunded"]["amountCents"] == refunded
            and (not refunded or "refund.issued" in [e["node"]["subtype"] for e in order["timeline"]["edges"]])
        ),
        what=f"the settlement of a cancellation {hours_ahead} h ahead",
    )
    book = ledger(system, order_id)
    assert [kind for kind, *_ in book["entries"]] == expected_entries
    assert book["posted"] == left and all(total == 0 for total in book["sums"])
    if refunded:
        [entry] = [e["node"] for e in settled["timeline"]["edges"] if e["node"]["subtype"] == "refund.issued"]
        assert entry["payload"]["amountCents"] == refunded
