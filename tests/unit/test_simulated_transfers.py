"""The simulator's Connect transfers (once per key, reversed in part, never beyond what is left),
off-session charges and disputes, as Stripe's test mode has them."""

from __future__ import annotations

import pytest

from services.payments.adapters.provider import MemorySimulatorStore, SimulatedStripe
from services.payments.usecases.card_processor import CardDeclined


@pytest.mark.asyncio
async def test_a_transfer_is_made_once_per_key_and_reversed_in_part_never_beyond_it() -> None:
    stripe = SimulatedStripe()
    made = await stripe.transfer(
        amount_cents=40_000, currency="USD", destination="acct_p", transfer_group="ord_1", idempotency_key="payout:1"
    )
    again = await stripe.transfer(
        amount_cents=40_000, currency="USD", destination="acct_p", transfer_group="ord_1", idempotency_key="payout:1"
    )
    assert made == again and made.transfer_id.startswith("tr_sim_")
    assert made.destination_payment.startswith("py_sim_")
    part = await stripe.reverse_transfer(transfer_id=made.transfer_id, amount_cents=15_000, idempotency_key="r:1")
    repeat = await stripe.reverse_transfer(transfer_id=made.transfer_id, amount_cents=15_000, idempotency_key="r:1")
    assert part.reversed_cents == repeat.reversed_cents == 15_000
    with pytest.raises(ValueError, match="exceeds"):
        await stripe.reverse_transfer(transfer_id=made.transfer_id, amount_cents=25_001, idempotency_key="r:2")
    rest = await stripe.reverse_transfer(transfer_id=made.transfer_id, amount_cents=25_000, idempotency_key="r:3")
    assert rest.reversed_cents == 40_000
    with pytest.raises(ValueError, match="connected account"):
        await stripe.transfer(
            amount_cents=1, currency="USD", destination="u_p", transfer_group="ord_2", idempotency_key="payout:2"
        )


@pytest.mark.asyncio
async def test_off_session_charges_follow_the_test_cards_and_repeat_once_per_key() -> None:
    stripe = SimulatedStripe()
    made = await stripe.charge(
        amount_cents=1_200,
        currency="USD",
        payment_method_id="pm_card_visa",
        transfer_group="ord_1",
        idempotency_key="extras:1",
        metadata={},
    )
    again = await stripe.charge(
        amount_cents=1_200,
        currency="USD",
        payment_method_id="pm_card_visa",
        transfer_group="ord_1",
        idempotency_key="extras:1",
        metadata={},
    )
    assert made == again and (made.status, made.amount_received_cents) == ("succeeded", 1_200)
    with pytest.raises(CardDeclined) as declined:
        await stripe.charge(
            amount_cents=1_200,
            currency="USD",
            payment_method_id="pm_card_chargeDeclinedInsufficientFunds",
            transfer_group="ord_1",
            idempotency_key="extras:2",
            metadata={},
        )
    assert declined.value.decline_code == "insufficient_funds"


@pytest.mark.asyncio
async def test_a_disputing_card_is_disputed_once_captured_and_decided_by_stripes_test_evidence() -> None:
    store = MemorySimulatorStore()
    stripe = SimulatedStripe(store)
    for method, order in (("pm_card_visa", "ord_1"), ("pm_card_createDispute", "ord_2")):
        held = await stripe.authorize(
            amount_cents=5_000,
            currency="USD",
            payment_method_id=method,
            idempotency_key=order,
            metadata={"order_id": order},
        )
        await stripe.capture(intent_id=held.intent_id, amount_cents=5_000, idempotency_key=f"capture:{order}")
    [opened] = store.events
    dispute = opened["data"]["object"]
    assert (opened["type"], dispute["status"], dispute["amount"], dispute["payment_intent"]) == (
        "charge.dispute.created",
        "needs_response",
        5_000,
        held.intent_id,
    )
    assert dispute["evidence_details"]["due_by"] - dispute["created"] == 7 * 86400
    staged = await stripe.update_dispute(
        dispute_id=dispute["id"], evidence={"service_date": "2030-01-01"}, submit=False, idempotency_key="e:1"
    )
    assert (staged.status, staged.submission_count, len(store.events)) == ("needs_response", 0, 1)
    won = await stripe.update_dispute(
        dispute_id=dispute["id"],
        evidence={"uncategorized_text": "winning_evidence"},
        submit=True,
        idempotency_key="e:2",
    )
    assert (won.status, won.submission_count) == ("won", 1)
    assert [event["type"] for event in store.events[1:]] == ["charge.dispute.updated", "charge.dispute.closed"]
    assert store.events[-1]["data"]["object"]["evidence"] == {
        "service_date": "2030-01-01",
        "uncategorized_text": "winning_evidence",
    }
    # Repeating the submission's key answers it again; another submission is refused.
    assert (
        await stripe.update_dispute(dispute_id=dispute["id"], evidence={}, submit=True, idempotency_key="e:2")
    ) == won
    with pytest.raises(ValueError, match="already submitted"):
        await stripe.update_dispute(dispute_id=dispute["id"], evidence={}, submit=True, idempotency_key="e:3")


@pytest.mark.asyncio
async def test_a_connected_account_pays_each_transfer_out_to_its_bank_two_days_later() -> None:
    store = MemorySimulatorStore()
    stripe = SimulatedStripe(store)
    made = await stripe.transfer(
        amount_cents=40_000, currency="USD", destination="acct_p", transfer_group="ord_1", idempotency_key="payout:1"
    )
    await stripe.transfer(
        amount_cents=40_000, currency="USD", destination="acct_p", transfer_group="ord_1", idempotency_key="payout:1"
    )
    [paid] = store.events  # one bank payout, however often the transfer was asked for
    payout = paid["data"]["object"]
    assert (paid["type"], paid["account"], payout["amount"], payout["status"]) == (
        "payout.paid",
        "acct_p",
        40_000,
        "paid",
    )
    assert payout["arrival_date"] - payout["created"] == 2 * 86400
    assert await stripe.payout_payments(account="acct_p", payout_id=payout["id"]) == [made.destination_payment]
    with pytest.raises(LookupError):
        await stripe.payout_payments(account="acct_other", payout_id=payout["id"])
