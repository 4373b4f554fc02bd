"""The double-entry ledger: every movement of money is an entry whose postings sum to zero.

Postings are signed integer cents: a debit is positive, a credit negative, so an entry balances
when its postings add up to zero, and an account's balance is the sum of its postings (an
asset's balance is positive, a liability's or revenue's negative). Entries are immutable; a
mistake is corrected by another entry, never by an edit.

As in TigerBeetle's two-phase transfers, an authorization is a **pending** entry: its postings
count as pending, not posted. It is resolved at most once, by the entry that posts it (the
capture, with the same postings as posted amounts) or by the one that voids it (an entry without
postings); the database refuses a second resolution.

The accounts, named ``kind`` or ``kind:owner``:

| account | what it holds | normally |
|---|---|---|
| ``platform_cash`` | the platform's balance at Stripe | debit (asset) |
| ``provider_payable:<provider>`` | what the platform owes a provider | credit (liability) |
| ``platform_fee_revenue`` | the platform's fees earned | credit (revenue) |
| ``tax_payable`` | tax collected, owed to the tax authority | credit (liability) |
| ``provider_reserve:<provider>`` | what a provider is owed but frozen by a dispute | credit (liability) |
| ``provider_receivable:<provider>`` | what a provider owes back (a refund or lost chargeback after their payout) | debit (asset) |
| ``disputed_funds`` | the platform's money Stripe holds while a chargeback is decided | debit (asset) |
| ``stripe_fees`` | Stripe's fees the platform bears (chargeback fees) | debit (expense) |

The buyer's funds held on their card are the pending authorization entry; refunds are the
refund entries (each names its refund). Extras and expenses charged beyond the booking post
``charge`` entries like a capture's (an expense is the provider's in full: no fee, no tax).
A payout debits the order's payable and credits the cash sent to the provider's Stripe account.

Capturing an order's total debits the cash and credits the provider's subtotal, the platform's
fee and the tax. A refund takes back part of what those accounts still hold of the order, in the
same proportions, to the cent (the largest remainders take the odd cents): each account gives
back its share, never more than it received, and the last refund takes exactly what is left.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

PLATFORM_CASH = "platform_cash"
PLATFORM_FEE_REVENUE = "platform_fee_revenue"
TAX_PAYABLE = "tax_payable"


DISPUTED_FUNDS = "disputed_funds"
STRIPE_FEES = "stripe_fees"


def provider_payable(provider_id: str) -> str:
    """The account of what the platform owes ``provider_id``."""
    return f"provider_payable:{provider_id}"


def provider_reserve(provider_id: str) -> str:
    """The account of what the platform owes ``provider_id`` but holds frozen."""
    return f"provider_reserve:{provider_id}"


def provider_receivable(provider_id: str) -> str:
    """The account of what ``provider_id`` owes the platform back (a recorded debt)."""
    return f"provider_receivable:{provider_id}"


def provider_accounts(provider_id: str) -> tuple[str, str, str]:
    """Where a provider's share of an order is: frozen first, then owed, then owed back."""
    return provider_reserve(provider_id), provider_payable(provider_id), provider_receivable(provider_id)


class EntryKind(StrEnum):
    """What moved the money."""

    AUTHORIZATION = "authorization"
    CAPTURE = "capture"
    VOID = "void"
    REFUND = "refund"
    CHARGE = "charge"
    PAYOUT = "payout"
    TRANSFER_REVERSAL = "transfer_reversal"
    RESERVE_FREEZE = "reserve_freeze"
    RESERVE_RELEASE = "reserve_release"
    DISPUTE_OPENED = "dispute_opened"
    DISPUTE_WON = "dispute_won"
    DISPUTE_LOST = "dispute_lost"


# The entries of the booking's own money (its capture less what went back): a refund or a lost
# chargeback takes its proportions from these, whatever extras, payouts or freezes did since.
BOOKING_KINDS = frozenset({EntryKind.CAPTURE, EntryKind.REFUND, EntryKind.DISPUTE_LOST})


class Unbalanced(ValueError):
    """An entry whose postings do not sum to zero: a programming error, refused before the database."""


@dataclass(frozen=True)
class Posting:
    """A signed amount on one account: a debit is positive, a credit negative."""

    account: str
    amount_cents: int


@dataclass(frozen=True)
class Entry:
    """One movement of money: balanced postings, keyed by its cause so it is posted once.

    ``pending`` entries (authorizations) hold amounts until ``resolves`` names them from a
    later entry that posts or voids them.
    """

    key: str
    kind: EntryKind
    order_id: str
    currency: str
    postings: tuple[Posting, ...]
    pending: bool = False
    resolves: str | None = None  # the key of the pending entry this one posts or voids
    metadata: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if sum(posting.amount_cents for posting in self.postings) != 0:
            raise Unbalanced(f"entry {self.key} does not balance: {self.postings}")
        accounts = [posting.account for posting in self.postings]
        if len(set(accounts)) != len(accounts):
            raise ValueError(f"entry {self.key} names an account twice")
        if any(posting.amount_cents == 0 for posting in self.postings):
            raise ValueError(f"entry {self.key} has an empty posting")


@dataclass(frozen=True)
class Split:
    """How an order's total divides: the provider's subtotal, the platform's fee, the tax."""

    subtotal_cents: int
    platform_fee_cents: int
    tax_cents: int

    @property
    def total_cents(self) -> int:
        """The whole amount the buyer pays."""
        return self.subtotal_cents + self.platform_fee_cents + self.tax_cents

    def part(self, amount_cents: int) -> Split:
        """The share of each part in ``amount_cents`` of the total, exact to the cent.

        Each part gets its proportion rounded down; the cents left go to the parts with the
        largest remainders (subtotal first on a tie), so the parts always add up to the amount.
        """
        total = self.total_cents
        if not 0 <= amount_cents <= total:
            raise ValueError(f"cannot split {amount_cents} of {total}")
        parts = (self.subtotal_cents, self.platform_fee_cents, self.tax_cents)
        shares = [amount_cents * part // total for part in parts]
        remainders = [amount_cents * part % total for part in parts]
        for index in sorted(range(3), key=lambda i: (-remainders[i], i))[: amount_cents - sum(shares)]:
            shares[index] += 1
        return Split(*shares)


def _earned(split: Split, provider_id: str, *, sign: int) -> tuple[Posting, ...]:
    postings = (
        Posting(PLATFORM_CASH, sign * split.total_cents),
        Posting(provider_payable(provider_id), -sign * split.subtotal_cents),
        Posting(PLATFORM_FEE_REVENUE, -sign * split.platform_fee_cents),
        Posting(TAX_PAYABLE, -sign * split.tax_cents),
    )
    return tuple(posting for posting in postings if posting.amount_cents != 0)


def authorization(*, order_id: str, provider_id: str, currency: str, split: Split) -> Entry:
    """The hold on the buyer's card, pending until captured or voided."""
    return Entry(
        key=f"authorization:{order_id}",
        kind=EntryKind.AUTHORIZATION,
        order_id=order_id,
        currency=currency,
        postings=_earned(split, provider_id, sign=1),
        pending=True,
    )


def capture(*, order_id: str, provider_id: str, currency: str, split: Split) -> Entry:
    """The captured total: cash in, owed to the provider, the platform and the tax authority."""
    return Entry(
        key=f"capture:{order_id}",
        kind=EntryKind.CAPTURE,
        order_id=order_id,
        currency=currency,
        postings=_earned(split, provider_id, sign=1),
        resolves=f"authorization:{order_id}",
    )


def void(*, order_id: str, currency: str) -> Entry:
    """The hold released: the pending authorization ends without moving anything."""
    return Entry(
        key=f"void:{order_id}",
        kind=EntryKind.VOID,
        order_id=order_id,
        currency=currency,
        postings=(),
        resolves=f"authorization:{order_id}",
    )


def _given_back(split: Split, provider_id: str, held: Mapping[str, Balance], *, source: str) -> tuple[Posting, ...]:
    """The postings that take ``split`` back out of the fee, the tax and the provider's share.

    The provider's share comes out of what the order still holds for them, frozen first, then
    owed; what is left of it (their payout already went) becomes a debt they owe back, recorded
    on their receivable account until a transfer reversal recovers it.
    """
    reserve, payable, receivable = provider_accounts(provider_id)
    share = split.subtotal_cents
    postings = [
        Posting(source, -split.total_cents),
        Posting(PLATFORM_FEE_REVENUE, split.platform_fee_cents),
        Posting(TAX_PAYABLE, split.tax_cents),
    ]
    for account in (reserve, payable):
        taken = min(share, max(0, -held.get(account, Balance()).posted_cents))
        postings.append(Posting(account, taken))
        share -= taken
    postings.append(Posting(receivable, share))
    return tuple(posting for posting in postings if posting.amount_cents != 0)


def refund(
    *,
    order_id: str,
    provider_id: str,
    currency: str,
    remaining: Split,
    held: Mapping[str, Balance],
    amount_cents: int,
    refund_id: str,
) -> Entry:
    """Part of the capture back to the buyer, in the proportions of what the booking still holds.

    ``remaining`` is what the booking's capture less its refunds and lost chargebacks left to the
    provider, the fee and the tax; the refund takes its proportion of each, so no party gives
    back more than it received, and the last refund takes exactly what is left. ``held`` is the
    order's balances, which say where the provider's share is now (see ``_given_back``).
    """
    return Entry(
        key=f"refund:{refund_id}",
        kind=EntryKind.REFUND,
        order_id=order_id,
        currency=currency,
        postings=_given_back(remaining.part(amount_cents), provider_id, held, source=PLATFORM_CASH),
        metadata={"refundId": refund_id},
    )


def charge(*, order_id: str, provider_id: str, currency: str, split: Split, charge_id: str) -> Entry:
    """Extras or expenses charged beyond the booking: cash in, owed to the provider, fee and tax."""
    return Entry(
        key=f"charge:{charge_id}",
        kind=EntryKind.CHARGE,
        order_id=order_id,
        currency=currency,
        postings=_earned(split, provider_id, sign=1),
        metadata={"chargeId": charge_id},
    )


def _moved(key: str, kind: EntryKind, order_id: str, currency: str, debit: str, credit: str, amount: int) -> Entry:
    return Entry(
        key=key,
        kind=kind,
        order_id=order_id,
        currency=currency,
        postings=(Posting(debit, amount), Posting(credit, -amount)) if amount else (),
    )


def payout(
    *, order_id: str, provider_id: str, currency: str, amount_cents: int, payout_id: str, held: Mapping[str, Balance]
) -> Entry:
    """What the order owed its provider, transferred to their Stripe account.

    The amount was fixed before the transfer was asked for; should a refund have taken part of
    the payable meanwhile, what the transfer paid beyond it is recorded as the provider's debt.
    """
    debt = max(0, amount_cents - owed_to_provider(held, provider_id))
    postings = (
        Posting(PLATFORM_CASH, -amount_cents),
        Posting(provider_payable(provider_id), amount_cents - debt),
        Posting(provider_receivable(provider_id), debt),
    )
    return Entry(
        key=f"payout:{payout_id}",
        kind=EntryKind.PAYOUT,
        order_id=order_id,
        currency=currency,
        postings=tuple(posting for posting in postings if posting.amount_cents),
        metadata={"payoutId": payout_id},
    )


def transfer_reversal(*, order_id: str, provider_id: str, currency: str, amount_cents: int, key: str) -> Entry:
    """Part of a payout taken back from the provider's Stripe account: their debt is recovered."""
    return _moved(
        f"reversal:{key}",
        EntryKind.TRANSFER_REVERSAL,
        order_id,
        currency,
        PLATFORM_CASH,
        provider_receivable(provider_id),
        amount_cents,
    )


def reserve(
    *, order_id: str, provider_id: str, currency: str, amount_cents: int, key: str, release: bool = False
) -> Entry:
    """What the order owes its provider moved into the frozen reserve, or (``release``) what is left of it back."""
    payable, frozen = provider_payable(provider_id), provider_reserve(provider_id)
    if release:
        return _moved(f"release:{key}", EntryKind.RESERVE_RELEASE, order_id, currency, frozen, payable, amount_cents)
    return _moved(f"freeze:{key}", EntryKind.RESERVE_FREEZE, order_id, currency, payable, frozen, amount_cents)


def dispute_opened(*, order_id: str, currency: str, amount_cents: int, fee_cents: int, dispute_id: str) -> Entry:
    """Stripe withdrew the disputed amount (held until decided) and its chargeback fee from the balance."""
    postings = (
        Posting(PLATFORM_CASH, -(amount_cents + fee_cents)),
        Posting(DISPUTED_FUNDS, amount_cents),
        Posting(STRIPE_FEES, fee_cents),
    )
    return Entry(
        key=f"dispute_opened:{dispute_id}",
        kind=EntryKind.DISPUTE_OPENED,
        order_id=order_id,
        currency=currency,
        postings=tuple(posting for posting in postings if posting.amount_cents),
        metadata={"disputeId": dispute_id},
    )


def dispute_won(*, order_id: str, currency: str, amount_cents: int, dispute_id: str) -> Entry:
    """The disputed amount came back to the balance (the chargeback fee does not)."""
    entry = _moved(
        f"dispute_won:{dispute_id}",
        EntryKind.DISPUTE_WON,
        order_id,
        currency,
        PLATFORM_CASH,
        DISPUTED_FUNDS,
        amount_cents,
    )
    return replace(entry, metadata={"disputeId": dispute_id})


def dispute_lost(
    *,
    order_id: str,
    provider_id: str,
    currency: str,
    remaining: Split,
    held: Mapping[str, Balance],
    amount_cents: int,
    dispute_id: str,
) -> Entry:
    """The disputed amount went to the card holder: taken from the parties as a refund would be."""
    return Entry(
        key=f"dispute_lost:{dispute_id}",
        kind=EntryKind.DISPUTE_LOST,
        order_id=order_id,
        currency=currency,
        postings=_given_back(remaining.part(amount_cents), provider_id, held, source=DISPUTED_FUNDS),
        metadata={"disputeId": dispute_id},
    )


@dataclass(frozen=True)
class Balance:
    """An account's balance: what is posted, and what pending entries still hold."""

    posted_cents: int = 0
    pending_cents: int = 0


def balances(entries: Sequence[Entry]) -> dict[str, Balance]:
    """Every account's balance over ``entries``: a pending entry counts until an entry resolves it."""
    resolved = {entry.resolves for entry in entries if entry.resolves is not None}
    totals: dict[str, Balance] = {}
    for entry in entries:
        if entry.pending and entry.key in resolved:
            continue
        for posting in entry.postings:
            now = totals.get(posting.account, Balance())
            if entry.pending:
                totals[posting.account] = Balance(now.posted_cents, now.pending_cents + posting.amount_cents)
            else:
                totals[posting.account] = Balance(now.posted_cents + posting.amount_cents, now.pending_cents)
    return totals


def remaining(booking: Mapping[str, Balance], provider_id: str) -> Split:
    """What the booking's entries (``BOOKING_KINDS``) left to the provider, the fee and the tax.

    ``booking`` is the balances of those entries alone; the provider's part is wherever it sits
    (reserve, payable, or a debt it became).
    """

    def held(*accounts: str) -> int:
        return -sum(booking.get(account, Balance()).posted_cents for account in accounts)

    return Split(held(*provider_accounts(provider_id)), held(PLATFORM_FEE_REVENUE), held(TAX_PAYABLE))


def owed_to_provider(held: Mapping[str, Balance], provider_id: str) -> int:
    """What an order's balances say the platform owes its provider now, not frozen."""
    return max(0, -held.get(provider_payable(provider_id), Balance()).posted_cents)


def frozen_for_provider(held: Mapping[str, Balance], provider_id: str) -> int:
    """What an order's balances hold frozen for its provider."""
    return max(0, -held.get(provider_reserve(provider_id), Balance()).posted_cents)


def owed_by_provider(held: Mapping[str, Balance], provider_id: str) -> int:
    """What an order's balances say its provider owes back."""
    return max(0, held.get(provider_receivable(provider_id), Balance()).posted_cents)
