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

Capturing an order's total debits the cash and credits the provider's subtotal, the platform's
fee and the tax. A refund takes back part of what those accounts still hold of the order, in the
same proportions, to the cent (the largest remainders take the odd cents): each account gives
back its share, never more than it received, and the last refund takes exactly what is left.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from services.payments.domain.payment import (
    Payment,
    PaymentAuthorized,
    PaymentCaptured,
    PaymentEvent,
    PaymentRefunded,
    PaymentVoided,
)

PLATFORM_CASH = "platform_cash"
PLATFORM_FEE_REVENUE = "platform_fee_revenue"
TAX_PAYABLE = "tax_payable"


def provider_payable(provider_id: str) -> str:
    """The account of what the platform owes ``provider_id``."""
    return f"provider_payable:{provider_id}"


class EntryKind(StrEnum):
    """What moved the money."""

    AUTHORIZATION = "authorization"
    CAPTURE = "capture"
    VOID = "void"
    REFUND = "refund"


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


def refund(
    *, order_id: str, provider_id: str, currency: str, remaining: Split, amount_cents: int, refund_id: str
) -> Entry:
    """Part of the capture back to the buyer, taken from what each account still holds of it.

    ``remaining`` is what the captures less the refunds so far left on the provider's, the fee
    and the tax accounts; the refund takes its proportion of each, so refunds never take from
    one account more than it received, and the last one takes exactly what is left.
    """
    return Entry(
        key=f"refund:{refund_id}",
        kind=EntryKind.REFUND,
        order_id=order_id,
        currency=currency,
        postings=_earned(remaining.part(amount_cents), provider_id, sign=-1),
        metadata={"refundId": refund_id},
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


def remaining(balances: Mapping[str, Balance], provider_id: str) -> Split:
    """What an order's captures less its refunds left on the provider's, the fee and the tax accounts."""

    def held(account: str) -> int:
        return -balances.get(account, Balance()).posted_cents

    return Split(held(provider_payable(provider_id)), held(PLATFORM_FEE_REVENUE), held(TAX_PAYABLE))


def needs_balances(event: PaymentEvent) -> bool:
    """Whether the entry of ``event`` depends on the order's balances (only a refund's does)."""
    return isinstance(event, PaymentRefunded)


def entry_for(payment: Payment, event: PaymentEvent, *, price: Split, balances: Mapping[str, Balance]) -> Entry:
    """The entry a payment's movement posts: ``price`` splits the order's total, ``balances`` are
    the order's accounts before this movement."""
    if isinstance(event, PaymentAuthorized):
        return authorization(
            order_id=payment.order_id,
            provider_id=payment.provider_id,
            currency=payment.currency,
            split=price.part(event.amount_cents),
        )
    if isinstance(event, PaymentCaptured):
        return capture(
            order_id=payment.order_id,
            provider_id=payment.provider_id,
            currency=payment.currency,
            split=price.part(event.amount_cents),
        )
    if isinstance(event, PaymentVoided):
        return void(order_id=payment.order_id, currency=payment.currency)
    if isinstance(event, PaymentRefunded):
        return refund(
            order_id=payment.order_id,
            provider_id=payment.provider_id,
            currency=payment.currency,
            remaining=remaining(balances, payment.provider_id),
            amount_cents=event.amount_cents,
            refund_id=event.refund_id,
        )
    raise TypeError(f"no ledger entry for {type(event).__name__}")
