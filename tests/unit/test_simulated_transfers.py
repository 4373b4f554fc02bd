"""The simulator's Connect transfers: once per key, reversed in part, never beyond what is left."""

from __future__ import annotations

import pytest

from services.payments.adapters.provider import SimulatedStripe


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
