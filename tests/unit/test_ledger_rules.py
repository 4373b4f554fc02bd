"""The ledger's rules on random movements: every entry balances, refunds never take from an account
more than it received, and a pending authorization counts until it is posted or voided."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.payments.domain.ledger import (
    PLATFORM_CASH,
    PLATFORM_FEE_REVENUE,
    TAX_PAYABLE,
    Balance,
    Entry,
    EntryKind,
    Posting,
    Split,
    Unbalanced,
    authorization,
    balances,
    capture,
    provider_payable,
    refund,
    remaining,
    void,
)

PROVIDER = "u_provider_1"
PAYABLE = provider_payable(PROVIDER)
splits = st.builds(
    Split,
    subtotal_cents=st.integers(1, 500_000),
    platform_fee_cents=st.integers(0, 50_000),
    tax_cents=st.integers(0, 100_000),
)


@given(split=splits, data=st.data())
def test_a_part_of_a_total_splits_exactly_and_never_beyond_a_part(split: Split, data: st.DataObject) -> None:
    amount = data.draw(st.integers(0, split.total_cents))
    part = split.part(amount)
    assert part.total_cents == amount
    assert 0 <= part.subtotal_cents <= split.subtotal_cents
    assert 0 <= part.platform_fee_cents <= split.platform_fee_cents
    assert 0 <= part.tax_cents <= split.tax_cents
    assert split.part(split.total_cents) == split


@given(split=splits, data=st.data())
def test_any_sequence_of_refunds_keeps_every_account_within_what_it_received(split: Split, data: st.DataObject) -> None:
    entries: list[Entry] = [
        authorization(order_id="ord_1", provider_id=PROVIDER, currency="USD", split=split),
        capture(order_id="ord_1", provider_id=PROVIDER, currency="USD", split=split),
    ]
    refunded = 0
    for number in range(data.draw(st.integers(0, 8))):
        left = split.total_cents - refunded
        if left == 0:
            break
        amount = data.draw(st.integers(1, left))
        before = balances(entries)
        entries.append(
            refund(
                order_id="ord_1",
                provider_id=PROVIDER,
                currency="USD",
                remaining=remaining(before, PROVIDER),
                held=before,
                amount_cents=amount,
                refund_id=f"rfd_{number}",
            )
        )
        refunded += amount
        after = balances(entries)
        assert after[PLATFORM_CASH].posted_cents == split.total_cents - refunded
        # Liabilities and revenue stay credits (or zero) and never give back more than they got.
        for account, received in (
            (PAYABLE, split.subtotal_cents),
            (PLATFORM_FEE_REVENUE, split.platform_fee_cents),
            (TAX_PAYABLE, split.tax_cents),
        ):
            held = -after.get(account, Balance()).posted_cents
            assert 0 <= held <= received
    assert all(sum(p.amount_cents for p in entry.postings) == 0 for entry in entries)
    assert sum(balance.posted_cents for balance in balances(entries).values()) == 0
    if refunded == split.total_cents:
        assert all(balance.posted_cents == 0 for balance in balances(entries).values())


def test_a_pending_authorization_counts_until_it_is_posted_or_voided() -> None:
    split = Split(30_000, 3_000, 2_930)
    held = authorization(order_id="ord_1", provider_id=PROVIDER, currency="USD", split=split)
    assert balances([held])[PLATFORM_CASH] == Balance(posted_cents=0, pending_cents=35_930)
    posted = balances([held, capture(order_id="ord_1", provider_id=PROVIDER, currency="USD", split=split)])
    assert posted[PLATFORM_CASH] == Balance(posted_cents=35_930, pending_cents=0)
    assert posted[PAYABLE] == Balance(posted_cents=-30_000, pending_cents=0)
    released = balances([held, void(order_id="ord_1", currency="USD")])
    assert all(balance == Balance() for balance in released.values())


def test_an_entry_that_does_not_balance_is_refused_before_it_reaches_the_database() -> None:
    with pytest.raises(Unbalanced):
        Entry(
            key="k",
            kind=EntryKind.CAPTURE,
            order_id="ord_1",
            currency="USD",
            postings=(Posting(PLATFORM_CASH, 100), Posting(PAYABLE, -99)),
        )
