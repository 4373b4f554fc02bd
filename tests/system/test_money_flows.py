"""The money after confirmation, end to end on the simulator, to the cent: extras, expenses, the payout
(transferred, then paid to the bank), a freeze released minus a refund, and chargebacks won and lost after the payout.

The cards engine and support call payments over gRPC with their own credentials, as they will;
everything is read back through the gateway (``Order.payment``, the timeline, ``orderLedger``).
Bookings are 2 hours of ``u_provider_1`` (150.00 an hour) in New York: 300.00 + 30.00 fee +
29.30 tax = 359.30.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from saga_tools import BUYER, PROVIDER, advance_clock, arm, disarm, key, quote, wait_for
from system_client import CHECKOUT, CONFIRM, GraphQLError, System, rpc, rpc_all_at_once
from test_cancellation_money import service_now
from test_ledger import ledger
from test_stripe_webhooks import deliver, intent_of

from callsheet.common.v1.money_pb2 import Money
from callsheet.payments.v1 import payments_pb2, payments_pb2_grpc
from callsheet_kit.errors import DomainError
from callsheet_kit.proto import timestamp
from services.payments.domain.ledger import Split

PRICE = Split(30_000, 3_000, 2_930)
TOTAL = PRICE.total_cents
PAYABLE, RECEIVABLE = f"provider_payable:{PROVIDER}", f"provider_receivable:{PROVIDER}"
Stub = payments_pb2_grpc.PaymentsServiceStub

MONEY = """query($id: ID!) { order(id: $id) { id state
  payment { status captured { amountCents } refunded { amountCents } pendingExtras { amountCents }
    chargedExtras { amountCents } chargedBack { amountCents } paidOut { amountCents } reserveFrozen
    charges { kind status subtotal { amountCents } platformFee { amountCents } tax { amountCents } total { amountCents } }
    payout { status amount { amountCents } dueAt transferId reversed { amountCents } }
    chargebacks { id status reason amount { amountCents } dueBy evidenceSubmitted }
    receipts { kind total { amountCents } downloadUrl } }
  timeline(first: 50) { edges { node { kind subtype payload } } } } }"""


def usd(cents: int) -> Money:
    return Money(amount_cents=cents, currency="USD")


def confirmed(system: System, method: str = "pm_card_visa") -> str:
    """A confirmed (captured) booking paid with ``method``."""
    variables = {"i": {"quoteId": quote(system)["id"], "paymentMethodId": method, "idempotencyKey": key()}}
    order = system.gql(BUYER, CHECKOUT, variables)["checkout"]
    system.gql(PROVIDER, CONFIRM, {"i": {"orderId": order["id"], "expectedVersion": 1, "idempotencyKey": key()}})
    wait_for(
        lambda: ledger(system, order["id"]),
        lambda found: "capture" in [kind for kind, *_ in found["entries"]],
        what="the capture",
    )
    return str(order["id"])


def nonzero(book: dict[str, Any]) -> dict[str, int]:
    """The accounts an order's ledger leaves something on."""
    return {account: cents for account, cents in book["posted"].items() if cents}


def money_of(system: System, order_id: str) -> dict[str, Any]:
    found: dict[str, Any] = system.gql(BUYER, MONEY, {"id": order_id})["order"]
    return found


def subtypes(order: dict[str, Any]) -> list[str]:
    return [edge["node"]["subtype"] for edge in order["timeline"]["edges"]]


def entry(order: dict[str, Any], subtype: str) -> dict[str, Any]:
    [found] = [edge["node"] for edge in order["timeline"]["edges"] if edge["node"]["subtype"] == subtype]
    payload: dict[str, Any] = found["payload"]
    return payload


def call(system: System, method: str, request: Any, *, caller: str) -> Any:
    return rpc(system, "payments", Stub, method, request, caller=caller)


def settle(system: System, order_id: str, *, completed_at: datetime) -> Any:
    request = payments_pb2.SchedulePayoutRequest(
        request_id=key(), order_id=order_id, completed_at=timestamp(completed_at)
    )
    return call(system, "SchedulePayout", request, caller="cards")


def long_ago(system: System) -> datetime:
    """A completion far enough back that its payout (2 days later) is due now."""
    return service_now(system) - timedelta(days=2, minutes=5)


def test_extras_are_charged_once_with_fee_and_tax_as_quoted_and_a_receipt_of_their_own(system: System) -> None:
    order_id = confirmed(system)
    request = payments_pb2.ChargeExtrasRequest(
        request_id=key(),
        order_id=order_id,
        items=[payments_pb2.ExtraItem(description="second look", quantity=2, unit_amount=usd(5_000))],
    )
    charged = call(system, "ChargeExtras", request, caller="cards")
    again = call(system, "ChargeExtras", request, caller="cards")
    # 100.00 + 10 % fee + 8.88 % tax of 110.00 (9.768 rounds to 9.77).
    assert (charged.charge.subtotal.amount_cents, charged.charge.platform_fee.amount_cents) == (10_000, 1_000)
    assert (charged.charge.tax.amount_cents, charged.charge.total.amount_cents) == (977, 11_977)
    assert again.charge.id == charged.charge.id and charged.payment.charged_extras.amount_cents == 11_977

    order = wait_for(
        lambda: money_of(system, order_id),
        lambda found: "payment.charged" in subtypes(found),
        what="the extras on the timeline",
    )
    payment = order["payment"]
    assert payment["chargedExtras"]["amountCents"] == 11_977 and payment["pendingExtras"]["amountCents"] == 0
    assert [(c["kind"], c["status"], c["total"]["amountCents"]) for c in payment["charges"]] == [
        ("extras", "SUCCEEDED", 11_977)
    ]
    assert [(r["kind"], r["total"]["amountCents"]) for r in payment["receipts"]] == [
        ("booking", TOTAL),
        ("extras", 11_977),
    ]
    assert entry(order, "payment.charged")["amountCents"] == 11_977
    # The extras' receipt gets its PDF like any other.
    documented = wait_for(
        lambda: money_of(system, order_id)["payment"]["receipts"],
        lambda receipts: all(r["downloadUrl"] for r in receipts),
        what="the extras receipt's document",
    )
    pdf = httpx.get(documented[-1]["downloadUrl"], trust_env=False)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    book = ledger(system, order_id)
    assert [kind for kind, *_ in book["entries"]] == ["authorization", "capture", "charge"]
    assert book["posted"] == {
        "platform_cash": TOTAL + 11_977,
        PAYABLE: -40_000,
        "platform_fee_revenue": -4_000,
        "tax_payable": -(2_930 + 977),
    }

    # The same key for other items is another request: refused, nothing charged.
    other = payments_pb2.ChargeExtrasRequest(
        request_id=request.request_id,
        order_id=order_id,
        items=[payments_pb2.ExtraItem(description="third look", quantity=1, unit_amount=usd(5_000))],
    )
    with pytest.raises(DomainError) as reused:
        call(system, "ChargeExtras", other, caller="cards")
    assert reused.value.reason == "IDEMPOTENCY_MISMATCH"
    # Bad input names its field; only the cards engine charges.
    bad = payments_pb2.ChargeExtrasRequest(
        request_id=key(),
        order_id=order_id,
        items=[payments_pb2.ExtraItem(description="", quantity=0, unit_amount=usd(5_000))],
    )
    with pytest.raises(DomainError) as refused:
        call(system, "ChargeExtras", bad, caller="cards")
    assert {v.field for v in refused.value.violations} == {"items[0].description", "items[0].quantity"}
    with pytest.raises(DomainError) as denied:
        call(system, "ChargeExtras", request, caller="support")
    assert denied.value.code.name == "PERMISSION_DENIED"
    assert len(ledger(system, order_id)["entries"]) == 3


def test_expenses_wait_for_the_settlement_and_the_payout_goes_two_days_after_completion(system: System) -> None:
    order_id = confirmed(system)
    expense = payments_pb2.AddExpenseRequest(
        request_id=key(),
        order_id=order_id,
        items=[
            payments_pb2.ExpenseItem(category="travel", description="taxi to the venue", amount=usd(2_500)),
            payments_pb2.ExpenseItem(category="props", description="backdrop", amount=usd(1_250)),
        ],
    )
    added = call(system, "AddExpense", expense, caller="cards")
    assert added.charge.status == payments_pb2.CHARGE_STATUS_PENDING and added.charge.total.amount_cents == 3_750
    assert money_of(system, order_id)["payment"]["pendingExtras"]["amountCents"] == 3_750

    completed_at = long_ago(system)
    scheduled = settle(system, order_id, completed_at=completed_at)
    assert scheduled.payout.due_at.ToDatetime() == (completed_at + timedelta(days=2)).replace(tzinfo=None)
    assert [(c.status, c.total.amount_cents) for c in scheduled.expenses] == [
        (payments_pb2.CHARGE_STATUS_SUCCEEDED, 3_750)
    ]
    # Settling again changes nothing.
    assert settle(system, order_id, completed_at=completed_at).payout.id == scheduled.payout.id

    order = wait_for(
        lambda: money_of(system, order_id),
        lambda found: (
            (found["payment"]["payout"] or {}).get("status") == "IN_TRANSIT" and "payout.released" in subtypes(found)
        ),
        what="the payout",
    )
    payment = order["payment"]
    assert payment["payout"]["amount"]["amountCents"] == 30_000 + 3_750
    assert payment["payout"]["transferId"].startswith("tr_")
    assert payment["paidOut"]["amountCents"] == 33_750 and payment["pendingExtras"]["amountCents"] == 0
    assert ("expenses", 3_750) in [(r["kind"], r["total"]["amountCents"]) for r in payment["receipts"]]
    for subtype in ("payment.charged", "payout.scheduled", "payout.released"):
        assert subtype in subtypes(order)
    assert entry(order, "payout.released")["amountCents"] == 33_750
    book = ledger(system, order_id)
    assert [kind for kind, *_ in book["entries"]][-2:] == ["charge", "payout"]
    # What the buyer paid less what the provider got: the fee and the tax, still owed.
    assert nonzero(book) == {
        "platform_cash": TOTAL + 3_750 - 33_750,
        "platform_fee_revenue": -3_000,
        "tax_payable": -2_930,
    }
    assert all(total == 0 for total in book["sums"])

    # The provider's Stripe account pays it out to their bank two days later (``payout.paid``).
    advance_clock(system, 2 * 86400 + 60)
    banked = wait_for(
        lambda: money_of(system, order_id),
        lambda found: found["payment"]["payout"]["status"] == "PAID" and "payout.paid" in subtypes(found),
        what="the bank payout",
    )
    assert entry(banked, "payout.paid")["amountCents"] == 33_750

    # After the payout, an expense can no longer be added.
    late = payments_pb2.AddExpenseRequest(
        request_id=key(),
        order_id=order_id,
        items=[payments_pb2.ExpenseItem(category="food", description="lunch", amount=usd(900))],
    )
    with pytest.raises(DomainError) as refused:
        call(system, "AddExpense", late, caller="cards")
    assert refused.value.reason == "PAYOUT_RELEASED"


def test_a_frozen_payout_waits_and_is_released_minus_the_refund(system: System) -> None:
    order_id = confirmed(system)
    freeze = payments_pb2.FreezeReserveRequest(request_id=key(), order_id=order_id, reason="booking dispute")
    frozen = call(system, "FreezeReserve", freeze, caller="cards")
    assert frozen.frozen.amount_cents == 30_000 and frozen.payment.reserve_frozen
    settle(system, order_id, completed_at=long_ago(system))

    refund = payments_pb2.RefundPaymentRequest(
        request_id=key(), order_id=order_id, amount=usd(10_000), reason="dispute resolved: partial refund"
    )
    call(system, "RefundPayment", refund, caller="support")
    held = money_of(system, order_id)["payment"]
    assert held["payout"]["status"] == "SCHEDULED" and held["reserveFrozen"]

    share = PRICE.part(10_000).subtotal_cents  # the provider's part of the refund
    assert share == 8_350
    release = payments_pb2.UnfreezeReserveRequest(
        request_id=key(), order_id=order_id, freeze_request_id=freeze.request_id
    )
    released = call(system, "UnfreezeReserve", release, caller="cards")
    assert released.released.amount_cents == 30_000 - share
    order = wait_for(
        lambda: money_of(system, order_id),
        lambda found: found["payment"]["payout"]["status"] == "IN_TRANSIT" and "payout.released" in subtypes(found),
        what="the payout after the freeze",
    )
    assert order["payment"]["payout"]["amount"]["amountCents"] == 30_000 - share
    for subtype in ("reserve.frozen", "refund.issued", "reserve.unfrozen", "payout.released"):
        assert subtype in subtypes(order)
    book = ledger(system, order_id)
    assert [kind for kind, *_ in book["entries"]] == [
        "authorization",
        "capture",
        "reserve_freeze",
        "refund",
        "reserve_release",
        "payout",
    ]
    assert nonzero(book) == {
        "platform_cash": TOTAL - 10_000 - (30_000 - share),
        "platform_fee_revenue": -(3_000 - PRICE.part(10_000).platform_fee_cents),
        "tax_payable": -(2_930 - PRICE.part(10_000).tax_cents),
    }
    # Releasing the same freeze again moves nothing; an unknown one is NOT_FOUND.
    assert call(system, "UnfreezeReserve", release, caller="cards").released.amount_cents == 0
    unknown = payments_pb2.UnfreezeReserveRequest(request_id=key(), order_id=order_id, freeze_request_id="nope")
    with pytest.raises(DomainError) as missing:
        call(system, "UnfreezeReserve", unknown, caller="cards")
    assert missing.value.code.name == "NOT_FOUND"


def submit_evidence(system: System, dispute_id: str, text: str) -> Any:
    request = payments_pb2.SubmitDisputeEvidenceRequest(
        request_id=key(), dispute_id=dispute_id, evidence={"uncategorized_text": text}, submit=True
    )
    return call(system, "SubmitDisputeEvidence", request, caller="support")


def test_a_chargeback_freezes_the_payout_and_is_won_with_evidence(system: System) -> None:
    order_id = confirmed(system, "pm_card_createDispute")
    order = wait_for(
        lambda: money_of(system, order_id),
        lambda found: bool(found["payment"]["chargebacks"]) and "reserve.frozen" in subtypes(found),
        what="the chargeback from the simulator's webhook",
    )
    [chargeback] = order["payment"]["chargebacks"]
    assert (chargeback["status"], chargeback["reason"], chargeback["amount"]["amountCents"]) == (
        "NEEDS_RESPONSE",
        "fraudulent",
        TOTAL,
    )
    assert chargeback["dueBy"] is not None and order["payment"]["reserveFrozen"]
    assert entry(order, "dispute.opened")["disputeId"] == chargeback["id"]
    opened = ledger(system, order_id)["posted"]
    assert (opened["platform_cash"], opened["disputed_funds"], opened["stripe_fees"]) == (-1_500, TOTAL, 1_500)

    # Staged evidence, then the submission: Stripe's test value wins the dispute.
    stage = payments_pb2.SubmitDisputeEvidenceRequest(
        request_id=key(), dispute_id=chargeback["id"], evidence={"service_date": "2026-11-20"}
    )
    assert not call(system, "SubmitDisputeEvidence", stage, caller="support").dispute.evidence_submitted
    submitted = submit_evidence(system, chargeback["id"], "winning_evidence: the shoot took place, photos attached")
    assert submitted.dispute.evidence_submitted
    won = wait_for(
        lambda: money_of(system, order_id),
        lambda found: found["payment"]["chargebacks"][0]["status"] == "WON" and "reserve.unfrozen" in subtypes(found),
        what="the dispute won",
    )
    assert not won["payment"]["reserveFrozen"] and won["payment"]["chargedBack"]["amountCents"] == 0
    assert "dispute.won" in subtypes(won)
    book = ledger(system, order_id)
    assert book["posted"]["platform_cash"] == TOTAL - 1_500 and book["posted"]["disputed_funds"] == 0
    assert book["posted"][PAYABLE] == -30_000  # owed to the provider again
    # Evidence goes once.
    with pytest.raises(DomainError) as again:
        submit_evidence(system, chargeback["id"], "more")
    assert again.value.reason == "DISPUTE_CLOSED"


def test_a_chargeback_lost_after_the_payout_is_taken_back_from_the_provider(system: System) -> None:
    # The dispute's webhook is held back (the endpoint "down") until the payout has gone.
    arm(system, "payments", "stripe_simulator.deliver")
    try:
        order_id = confirmed(system, "pm_card_createDispute")
        settle(system, order_id, completed_at=long_ago(system))
        wait_for(
            lambda: money_of(system, order_id)["payment"]["payout"]["status"],
            lambda status: status == "IN_TRANSIT",
            what="the payout before the chargeback",
        )
    finally:
        disarm(system, "payments")
    advance_clock(system, 3600)  # past the simulator's retry wait: the held delivery goes now
    order = wait_for(
        lambda: money_of(system, order_id),
        lambda found: bool(found["payment"]["chargebacks"]),
        what="the chargeback after a retried delivery",
    )
    [chargeback] = order["payment"]["chargebacks"]
    submit_evidence(system, chargeback["id"], "losing_evidence")
    lost = wait_for(
        lambda: money_of(system, order_id),
        lambda found: "transfer.reversed" in subtypes(found),
        what="the reversal after the lost chargeback",
    )
    payment = lost["payment"]
    assert payment["chargebacks"][0]["status"] == "LOST" and payment["chargedBack"]["amountCents"] == TOTAL
    assert payment["payout"]["reversed"]["amountCents"] == 30_000 and payment["paidOut"]["amountCents"] == 0
    assert entry(lost, "transfer.reversed")["amountCents"] == 30_000
    assert "dispute.lost" in subtypes(lost)
    book = ledger(system, order_id)
    assert [kind for kind, *_ in book["entries"]][2:] == [
        "payout",
        "dispute_opened",
        "reserve_freeze",
        "dispute_lost",
        "reserve_release",
        "transfer_reversal",
    ]
    # The platform is out only Stripe's fee; no one owes anyone.
    assert nonzero(book) == {
        "platform_cash": -1_500,
        "stripe_fees": 1_500,
    }
    assert all(total == 0 for total in book["sums"])


def test_the_money_commands_refuse_what_does_not_apply(system: System) -> None:
    with pytest.raises(GraphQLError):
        system.gql(BUYER, MONEY, {"id": "ord_nope"})
    unknown = payments_pb2.SchedulePayoutRequest(request_id=key(), order_id="ord_nope")
    with pytest.raises(DomainError) as invalid:
        call(system, "SchedulePayout", unknown, caller="cards")
    assert [v.field for v in invalid.value.violations] == ["completed_at"]
    missing = payments_pb2.SubmitDisputeEvidenceRequest(
        request_id=key(), dispute_id="dsp_nope", evidence={"not_a_field": "x"}
    )
    with pytest.raises(DomainError) as bad:
        call(system, "SubmitDisputeEvidence", missing, caller="support")
    assert [v.field for v in bad.value.violations] == ["evidence.not_a_field"]


def dispute_event(kind: str, *, dispute_id: str, intent_id: str, status: str, created: int) -> bytes:
    """A ``charge.dispute.*`` event as Stripe shapes it."""
    return json.dumps(
        {
            "id": f"evt_{uuid.uuid4().hex[:24]}",
            "object": "event",
            "created": created,
            "livemode": False,
            "type": kind,
            "data": {
                "object": {
                    "id": dispute_id,
                    "object": "dispute",
                    "amount": TOTAL,
                    "currency": "usd",
                    "payment_intent": intent_id,
                    "reason": "product_not_received",
                    "status": status,
                    "created": created,
                    "evidence_details": {"due_by": created + 7 * 86400, "submission_count": 0},
                }
            },
        }
    ).encode()


def test_chargeback_events_out_of_order_and_repeated_have_one_effect(system: System) -> None:
    order_id = confirmed(system)
    intent, dispute_id, start = intent_of(system, order_id), f"dp_{uuid.uuid4().hex[:20]}", int(time.time())
    created = dispute_event(
        "charge.dispute.created", dispute_id=dispute_id, intent_id=intent, status="needs_response", created=start
    )
    closed = dispute_event(
        "charge.dispute.closed", dispute_id=dispute_id, intent_id=intent, status="lost", created=start + 60
    )
    stale = dispute_event(
        "charge.dispute.updated", dispute_id=dispute_id, intent_id=intent, status="under_review", created=start + 30
    )
    # The decision first, then the opening, then a stale update, then the decision twice more.
    for body in (closed, created, stale, closed, closed):
        assert deliver(system, body).status_code == 200
    order = money_of(system, order_id)
    [chargeback] = order["payment"]["chargebacks"]
    assert (chargeback["status"], chargeback["reason"]) == ("LOST", "product_not_received")
    assert order["payment"]["chargedBack"]["amountCents"] == TOTAL and not order["payment"]["reserveFrozen"]
    book = ledger(system, order_id)
    kinds = [kind for kind, *_ in book["entries"]]
    assert kinds.count("dispute_opened") == 1 and kinds.count("dispute_lost") == 1
    # The buyer's bank took it all back: only Stripe's fee is left on the platform.
    assert nonzero(book) == {"platform_cash": -1_500, "stripe_fees": 1_500}
    # A bad signature changes nothing.
    other = dispute_event(
        "charge.dispute.created", dispute_id="dp_forged", intent_id=intent, status="needs_response", created=start
    )
    assert deliver(system, other, secret="whsec_not_ours").status_code == 400
    assert len(money_of(system, order_id)["payment"]["chargebacks"]) == 1


def test_extras_asked_fifty_times_at_once_with_one_key_charge_once(system: System) -> None:
    order_id = confirmed(system)
    request = payments_pb2.ChargeExtrasRequest(
        request_id=key(),
        order_id=order_id,
        items=[payments_pb2.ExtraItem(description="rush delivery", quantity=1, unit_amount=usd(2_000))],
    )
    answers = rpc_all_at_once(system, "payments", Stub, "ChargeExtras", [request] * 50, caller="cards")
    made = [a for a in answers if isinstance(a, payments_pb2.ChargeExtrasResponse)]
    assert len(made) == 50 and len({answer.charge.id for answer in made}) == 1
    book = ledger(system, order_id)
    assert [kind for kind, *_ in book["entries"]].count("charge") == 1
    assert book["posted"]["platform_cash"] == TOTAL + made[0].charge.total.amount_cents
