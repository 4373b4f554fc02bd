"""Random sequences of the money after confirmation, on the payment aggregate and its ledger entries.

Any order of refunds, extras, expenses, freezes and releases, payouts, chargebacks won or lost and
transfer reversals keeps: every entry balanced and the books summing to zero; refunds and lost
chargebacks within the capture; no liability or revenue account giving back more than it got;
a provider's payable never negative (what they owe back sits on their receivable, a recorded
debt); and the money conserved: what the platform holds at Stripe, plus what Stripe holds for
disputes, plus its fees, is what the buyer paid less what went back and what the provider got.
"""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from services.payments.domain import ledger
from services.payments.domain.bookkeeping import Books, entry_for
from services.payments.domain.ledger import BOOKING_KINDS, Balance, Entry, Split
from services.payments.domain.payment import DisputeFacts, Payment

NOW = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)
PROVIDER = "u_p"
PRICE = Split(30_000, 3_000, 2_930)
FEE = 1_500
OPERATIONS = ("refund", "extras", "expense", "freeze", "release", "payout", "dispute", "won", "lost", "recover")


class Books_:
    """A payment and its ledger, moved as the use cases move them."""

    def __init__(self) -> None:
        self.payment = Payment(
            payment_id="pay_1",
            order_id="ord_1",
            quote_id="qte_1",
            buyer_id="u_b",
            provider_id=PROVIDER,
            currency="USD",
            amount_cents=PRICE.total_cents,
            payment_method_id="pm_card_visa",
            actor="u_b",
            now=NOW,
        )
        self.entries: list[Entry] = []
        self.frozen_by: set[str] = set()
        self.open_dispute: DisputeFacts | None = None
        self.disputes = 0
        self.transferred = 0  # what payouts sent, before reversals
        self.counter = 0
        self.post()
        self.payment.authorized(intent_id="pi_1", actor="", now=NOW)
        self.payment.captured(amount_cents=PRICE.total_cents, actor="", now=NOW)
        self.post()

    def held(self) -> dict[str, Balance]:
        return ledger.balances(self.entries)

    def post(self) -> None:
        for event in self.payment.pull_events():
            books = Books(
                price=PRICE,
                held=self.held(),
                booking=ledger.balances([e for e in self.entries if e.kind in BOOKING_KINDS]),
            )
            entry = entry_for(self.payment, event, books)
            if entry is not None:
                assert all(e.key != entry.key for e in self.entries), entry.key
                self.entries.append(entry)

    def next(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}_{self.counter}"

    def apply(self, operation: str, amount: int) -> None:
        payment, held = self.payment, self.held()
        match operation:
            case "refund" if payment.refundable_cents:
                refunded = min(amount, payment.refundable_cents)
                payment.refunded(amount_cents=refunded, refund_id=self.next("rfd"), reason="r", actor="", now=NOW)
            case "extras":
                split = Split(amount, amount // 10, amount // 20)
                payment.charged(charge_id=self.next("chg"), kind="extras", split=split, actor="", now=NOW)
            case "expense":
                payment.charged(
                    charge_id=self.next("chg"), kind="expenses", split=Split(amount, 0, 0), actor="", now=NOW
                )
            case "freeze":
                key = self.next("hold")
                if not self.frozen_by:
                    owed = ledger.owed_to_provider(held, PROVIDER)
                    payment.frozen(key=key, reason="dispute", amount_cents=owed, actor="", now=NOW)
                self.frozen_by.add(key)
            case "release" if self.frozen_by and not self.open_dispute:
                key = self.frozen_by.pop()
                if not self.frozen_by:
                    frozen = ledger.frozen_for_provider(held, PROVIDER)
                    payment.unfrozen(key=key, amount_cents=frozen, actor="", now=NOW)
            case "payout" if not payment.reserve_frozen and ledger.owed_to_provider(held, PROVIDER):
                owed = ledger.owed_to_provider(held, PROVIDER)
                payment.paid_out(payout_id=self.next("pot"), transfer_id="tr_1", amount_cents=owed, now=NOW)
                self.transferred += owed
            case "dispute" if self.open_dispute is None and payment.refundable_cents:
                self.open_dispute = DisputeFacts(
                    self.next("dsp"), "dp", "needs_response", "fraudulent", None, False, NOW
                )
                self.disputes = payment.refundable_cents
                payment.dispute_opened(self.open_dispute, amount_cents=self.disputes, fee_cents=FEE, now=NOW)
                self.post()
                self.apply("freeze", 0)
                return
            case "won" | "lost" if self.open_dispute is not None:
                facts, self.open_dispute = self.open_dispute, None
                if operation == "won":
                    payment.dispute_won(facts, amount_cents=self.disputes, now=NOW)
                else:
                    payment.dispute_lost(facts, amount_cents=self.disputes, now=NOW)
                self.post()
                self.apply("release", 0)
                return
            case "recover":
                debt = ledger.owed_by_provider(held, PROVIDER)
                back = min(debt, payment.paid_out_cents)
                if back:
                    payment.transfer_reversed(
                        payout_id="pot", cause="refund", key=self.next("rev"), amount_cents=back, now=NOW
                    )
        self.post()

    def check(self) -> None:
        payment, held = self.payment, self.held()

        def posted(account: str) -> int:
            return held.get(account, Balance()).posted_cents

        assert sum(balance.posted_cents for balance in held.values()) == 0
        assert all(sum(p.amount_cents for p in entry.postings) == 0 for entry in self.entries)
        assert 0 <= payment.refunded_cents + payment.charged_back_cents <= payment.captured_cents
        payable, reserve, receivable = ledger.provider_accounts(PROVIDER)
        assert posted(payable) <= 0, "a payable below zero must be a recorded debt instead"
        assert posted(reserve) <= 0 and posted(receivable) >= 0
        assert posted(ledger.PLATFORM_FEE_REVENUE) <= 0 and posted(ledger.TAX_PAYABLE) <= 0
        assert 0 <= payment.paid_out_cents <= self.transferred
        # Money conserved: what the platform holds, plus what Stripe holds for a dispute, plus fees paid.
        paid_in = payment.captured_cents + payment.charged_extras_cents
        went_back = payment.refunded_cents + payment.charged_back_cents + payment.paid_out_cents
        held_by_stripe = posted(ledger.DISPUTED_FUNDS)
        assert posted(ledger.PLATFORM_CASH) + held_by_stripe + posted(ledger.STRIPE_FEES) == paid_in - went_back
        assert held_by_stripe == (self.disputes if self.open_dispute else 0)


@settings(max_examples=300, deadline=None)
@given(steps=st.lists(st.tuples(st.sampled_from(OPERATIONS), st.integers(1, 40_000)), max_size=25))
def test_any_sequence_of_money_movements_keeps_the_books_balanced_and_the_money_conserved(
    steps: list[tuple[str, int]],
) -> None:
    books = Books_()
    books.check()
    for operation, amount in steps:
        books.apply(operation, amount)
        books.check()


def test_a_refund_after_the_payout_is_a_debt_the_reversal_recovers() -> None:
    books = Books_()
    books.apply("payout", 0)
    books.apply("refund", PRICE.total_cents)
    debt = ledger.owed_by_provider(books.held(), PROVIDER)
    assert debt == 30_000
    books.apply("recover", 0)
    assert ledger.owed_by_provider(books.held(), PROVIDER) == 0 and books.payment.paid_out_cents == 0
    assert {account: b.posted_cents for account, b in books.held().items() if b.posted_cents} == {}
    books.check()
