"""The payments unit of work over PostgreSQL: payments, quotes, refunds, receipts and the ledger.

Every movement a payment records (authorized, captured, voided, refunded) posts its ledger entry
in the same transaction, from the unit of work's event hook: a movement without its entry, or an
entry without its movement, cannot commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Row, Table, and_, case, func, select, update
from sqlalchemy.dialects.postgresql import insert

from callsheet_kit.domain import Aggregate, DomainEvent
from callsheet_kit.ids import new_id
from callsheet_kit.uow import KitParts, UnitOfWork
from services.payments.adapters.tables import (
    BuyerCustomer,
    ProviderConnect,
    QuoteRow,
    RateCard,
    charge_table,
    dispute_table,
    ledger_entry_table,
    ledger_posting_table,
    payment_table,
    payout_table,
    receipt_table,
    refund_table,
    reserve_hold_table,
    stripe_event_table,
)
from services.payments.adapters.wire import encode_event
from services.payments.domain.bookkeeping import Books, entry_for, needs_balances, needs_price
from services.payments.domain.ledger import BOOKING_KINDS, Balance, Entry, EntryKind, Posting, Split
from services.payments.domain.payment import Payment, PaymentEvent, PaymentStatus, RefundStatus
from services.payments.usecases.metrics import count_payment_event
from services.payments.usecases.ports import (
    ChargeRecord,
    DisputeRecord,
    PayoutRecord,
    PostedEntry,
    Receipt,
    ReceiptToRender,
    Refund,
    StripeEvent,
)

R = TypeVar("R")

# A receipt as ``Receipt`` reads it, less where its document is.
_RECEIPT_COLUMNS = (
    receipt_table.c.receipt_id,
    receipt_table.c.kind,
    receipt_table.c.total_cents,
    receipt_table.c.currency,
    receipt_table.c.created_at,
)


class SqlPaymentsUnitOfWork(UnitOfWork):
    """One transaction of payments; every payment loaded or added is tracked for its events."""

    def __init__(self, parts: KitParts) -> None:
        super().__init__(parts, encode_event)

    def on_committed(self, aggregate: Aggregate, event: DomainEvent) -> None:
        """Counts a committed event of a payment (``services.payments.usecases.metrics``)."""
        if isinstance(aggregate, Payment):
            count_payment_event(aggregate, event)

    async def on_event(self, aggregate: Aggregate, event: DomainEvent) -> None:
        """Posts the ledger entry of a payment's movement, in this transaction."""
        if not isinstance(aggregate, Payment) or not isinstance(event, PaymentEvent):
            return
        price = None
        if needs_price(event):
            quote = await self.quote(aggregate.quote_id)
            if quote is None:
                raise LookupError(f"payment {aggregate.payment_id} has no quote {aggregate.quote_id}")
            price = Split(quote.subtotal_cents, quote.platform_fee_cents, quote.tax_cents)
        held: dict[str, Balance] = {}
        booking: dict[str, Balance] = {}
        # Only a refund or a lost chargeback is measured against what the order's accounts hold.
        if needs_balances(event):
            held = await self.order_balances(aggregate.order_id)
            booking = await self.booking_balances(aggregate.order_id)
        entry = entry_for(aggregate, event, Books(price=price, held=held, booking=booking))
        if entry is not None:
            await self.post(entry)

    async def post(self, entry: Entry) -> bool:
        """Posts an entry once per key; False when its key was posted before (nothing changes)."""
        entry_id = new_id("len")
        inserted = await self.session.execute(
            insert(ledger_entry_table)
            .values(
                entry_id=entry_id,
                key=entry.key,
                kind=entry.kind.value,
                order_id=entry.order_id,
                currency=entry.currency,
                pending=entry.pending,
                resolves=entry.resolves,
                metadata=dict(entry.metadata),
                created_at=self.now,
            )
            .on_conflict_do_nothing(index_elements=[ledger_entry_table.c.key])
            .returning(ledger_entry_table.c.entry_id)
        )
        if inserted.first() is None:
            return False
        if entry.postings:
            await self.session.execute(
                ledger_posting_table.insert(),
                [
                    {"entry_id": entry_id, "account": posting.account, "amount_cents": posting.amount_cents}
                    for posting in entry.postings
                ],
            )
        return True

    async def order_entries(self, order_id: str) -> Sequence[PostedEntry]:
        """An order's ledger entries with their postings, oldest first."""
        entries, postings = ledger_entry_table, ledger_posting_table
        rows = await self.session.execute(
            select(entries, postings.c.account, postings.c.amount_cents)
            .select_from(entries.outerjoin(postings))
            .where(entries.c.order_id == order_id)
            .order_by(entries.c.created_at, entries.c.entry_id, postings.c.account)
        )
        found: dict[str, tuple[Row[Any], list[Posting]]] = {}
        for row in rows:
            _, moves = found.setdefault(row.entry_id, (row, []))
            if row.account is not None:
                moves.append(Posting(row.account, int(row.amount_cents)))
        return [
            PostedEntry(
                entry_id=entry_id,
                entry=Entry(
                    key=row.key,
                    kind=EntryKind(row.kind),
                    order_id=row.order_id,
                    currency=row.currency,
                    postings=tuple(moves),
                    pending=row.pending,
                    resolves=row.resolves,
                    metadata=row.metadata,
                ),
                created_at=row.created_at,
            )
            for entry_id, (row, moves) in found.items()
        ]

    async def account_balances(self, account: str) -> dict[str, Balance]:
        """One account's balance per currency over every entry: posted, and held by pending entries not yet resolved."""
        by = ledger_entry_table.c.currency
        return await self._balances(by, ledger_posting_table.c.account == account)

    async def order_balances(self, order_id: str) -> dict[str, Balance]:
        """The balance of every account an order's entries touch: posted, and still pending.

        A pending entry counts as pending until an entry resolves it (posts or voids it).
        """
        return await self._balances(ledger_posting_table.c.account, ledger_entry_table.c.order_id == order_id)

    async def booking_balances(self, order_id: str) -> dict[str, Balance]:
        """The balances of the booking's own entries (its capture, refunds and lost chargebacks)."""
        kinds = [kind.value for kind in BOOKING_KINDS]
        return await self._balances(
            ledger_posting_table.c.account,
            and_(ledger_entry_table.c.order_id == order_id, ledger_entry_table.c.kind.in_(kinds)),
        )

    async def _balances(self, by: ColumnElement[str], where: ColumnElement[bool]) -> dict[str, Balance]:
        """Posted and open-pending sums of the postings that ``where`` selects, grouped ``by`` a column."""
        entries, postings = ledger_entry_table, ledger_posting_table
        resolver = ledger_entry_table.alias("resolver")
        open_pending = and_(entries.c.pending, resolver.c.entry_id.is_(None))
        rows = await self.session.execute(
            select(
                by,
                func.sum(case((entries.c.pending, 0), else_=postings.c.amount_cents)),
                func.sum(case((open_pending, postings.c.amount_cents), else_=0)),
            )
            .select_from(postings.join(entries).outerjoin(resolver, resolver.c.resolves == entries.c.key))
            .where(where)
            .group_by(by)
            .order_by(by)
        )
        return {str(group): Balance(int(posted), int(pending)) for group, posted, pending in rows}

    async def payment_of(self, order_id: str, *, lock: bool = False) -> Payment | None:
        """The order's payment (``FOR UPDATE`` when locking)."""
        query = select(Payment).where(payment_table.c.order_id == order_id)
        if lock:
            query = query.with_for_update()
        payment = (await self.session.execute(query)).scalar()
        return self.track(payment) if payment is not None else None

    async def payment_by_intent(self, intent_id: str, *, lock: bool = False) -> Payment | None:
        """The payment of a provider's PaymentIntent (``FOR UPDATE`` when locking)."""
        query = select(Payment).where(payment_table.c.provider_intent_id == intent_id)
        if lock:
            query = query.with_for_update()
        payment = (await self.session.execute(query)).scalar() if intent_id else None
        return self.track(payment) if payment is not None else None

    async def record_stripe_event(self, event: StripeEvent, *, handled: bool) -> bool:
        """Keeps a received event once by its id; False when it had been received before."""
        kept = await self.session.execute(
            insert(stripe_event_table)
            .values(
                event_id=event.event_id,
                type=event.type,
                created=event.created,
                livemode=event.livemode,
                handled=handled,
                payload=event.payload,
                received_at=self.now,
            )
            .on_conflict_do_nothing()
            .returning(stripe_event_table.c.event_id)
        )
        return kept.first() is not None

    async def buyer_customer(self, buyer_id: str) -> str | None:
        """The buyer's Stripe customer, once made."""
        found = await self.session.get(BuyerCustomer, buyer_id) if buyer_id else None
        return found.stripe_customer if found is not None else None

    async def keep_buyer_customer(self, buyer_id: str, customer: str) -> str:
        """Keeps the buyer's Stripe customer; one kept before wins and is returned."""
        await self.session.execute(
            insert(BuyerCustomer)
            .values(buyer_id=buyer_id, stripe_customer=customer, created_at=self.now)
            .on_conflict_do_nothing()
        )
        kept = await self.buyer_customer(buyer_id)
        assert kept is not None
        return kept

    async def provider_account(self, provider_id: str) -> ProviderConnect | None:
        """A provider's payout account, if onboarding ever started."""
        return await self.session.get(ProviderConnect, provider_id) if provider_id else None

    async def provider_account_by_stripe(self, stripe_account: str) -> ProviderConnect | None:
        """The provider whose Stripe Connect account this is, locked for a change."""
        found = await self.session.execute(
            select(ProviderConnect).where(ProviderConnect.stripe_acct == stripe_account).with_for_update()
        )
        return found.scalar()

    async def live_payment_for_quote(self, quote_id: str) -> Payment | None:
        """The payment that used the quote up, if any."""
        query = select(Payment).where(
            payment_table.c.quote_id == quote_id, payment_table.c.status != PaymentStatus.FAILED
        )
        return (await self.session.execute(query)).scalar()

    def add_payment(self, payment: Payment) -> None:
        """Adds a new payment."""
        self.session.add(payment)
        self.track(payment)

    async def quote(self, quote_id: str, *, lock: bool = False) -> QuoteRow | None:
        """A quote."""
        return await self.session.get(QuoteRow, quote_id, with_for_update=lock) if quote_id else None

    def add_quote(self, quote: QuoteRow) -> None:
        """Adds a new quote."""
        self.session.add(quote)

    async def rate_card(self, provider_id: str, role_code: str) -> RateCard | None:
        """A provider's rate for a role."""
        return await self.session.get(RateCard, (provider_id, role_code))

    async def provider_known(self, provider_id: str) -> bool:
        """True when the provider has a rate card for any role."""
        found = await self.session.execute(
            select(RateCard.provider_id).where(RateCard.provider_id == provider_id).limit(1)
        )
        return found.first() is not None

    async def refund_by_key(self, key: str) -> Refund | None:
        """The refund of a cause."""
        row = (
            await self.session.execute(
                select(
                    refund_table.c.refund_id,
                    refund_table.c.payment_id,
                    refund_table.c.key,
                    refund_table.c.status,
                    refund_table.c.amount_cents,
                    refund_table.c.reason,
                ).where(refund_table.c.key == key)
            )
        ).first()
        return Refund(**{**row._mapping, "status": RefundStatus(row.status)}) if row is not None else None

    async def add_refund(self, refund: Refund, *, now: datetime) -> None:
        """Records a refund about to be asked of the provider; its key is unique."""
        await self.session.execute(
            refund_table.insert().values(
                refund_id=refund.refund_id,
                payment_id=refund.payment_id,
                key=refund.key,
                status=refund.status.value,
                amount_cents=refund.amount_cents,
                reason=refund.reason,
                created_at=now,
            )
        )

    async def receipts_to_render(self, *, limit: int) -> Sequence[ReceiptToRender]:
        """Receipts whose document is still to be made, oldest first."""
        rows = await self.session.execute(
            select(
                *_RECEIPT_COLUMNS,
                payment_table.c.order_id,
                payment_table.c.buyer_id,
                payment_table.c.provider_id,
                QuoteRow.role_code,
                func.coalesce(receipt_table.c.subtotal_cents, QuoteRow.subtotal_cents).label("subtotal_cents"),
                func.coalesce(receipt_table.c.platform_fee_cents, QuoteRow.platform_fee_cents).label(
                    "platform_fee_cents"
                ),
                func.coalesce(receipt_table.c.tax_cents, QuoteRow.tax_cents).label("tax_cents"),
                QuoteRow.price_snapshot,
            )
            .select_from(receipt_table.join(payment_table).join(QuoteRow.__table__))
            .where(receipt_table.c.document_key.is_(None))
            .order_by(receipt_table.c.created_at)
            .limit(limit)
        )
        return [
            ReceiptToRender(
                receipt=Receipt(row.receipt_id, row.kind, row.total_cents, row.currency, row.created_at),
                order_id=row.order_id,
                buyer_id=row.buyer_id,
                provider_id=row.provider_id,
                role_code=row.role_code,
                subtotal_cents=row.subtotal_cents,
                platform_fee_cents=row.platform_fee_cents,
                tax_cents=row.tax_cents,
                tax_jurisdiction=str((row.price_snapshot or {}).get("tax_jurisdiction", "")),
            )
            for row in rows
        ]

    async def receipt_rendered(self, receipt_id: str, document_key: str) -> None:
        """Notes where a receipt's document is kept."""
        await self.session.execute(
            update(receipt_table).where(receipt_table.c.receipt_id == receipt_id).values(document_key=document_key)
        )

    async def pending_refunds_cents(self, payment_id: str) -> int:
        """What refunds recorded but not yet confirmed by the provider will give back."""
        total = await self.session.execute(
            select(func.coalesce(func.sum(refund_table.c.amount_cents), 0)).where(
                refund_table.c.payment_id == payment_id, refund_table.c.status == RefundStatus.PENDING.value
            )
        )
        return int(total.scalar_one())

    async def refund_succeeded(self, refund_id: str, *, provider_refund_id: str) -> None:
        """Marks a refund done by the provider."""
        await self.session.execute(
            update(refund_table)
            .where(refund_table.c.refund_id == refund_id)
            .values(status=RefundStatus.SUCCEEDED.value, provider_refund_id=provider_refund_id)
        )

    async def issue_receipt(
        self, payment: Payment, *, kind: str, total_cents: int, now: datetime, split: Split | None = None
    ) -> None:
        """Issues a receipt for money taken or returned; ``split`` itemizes extras or expenses."""
        await self.session.execute(
            receipt_table.insert().values(
                receipt_id=new_id("rcp"),
                payment_id=payment.payment_id,
                kind=kind,
                total_cents=total_cents,
                currency=payment.currency,
                created_at=now,
                subtotal_cents=split.subtotal_cents if split else None,
                platform_fee_cents=split.platform_fee_cents if split else None,
                tax_cents=split.tax_cents if split else None,
            )
        )

    async def receipts(self, payment_id: str) -> Sequence[Receipt]:
        """A payment's receipts, oldest first."""
        rows = await self.session.execute(
            select(
                *_RECEIPT_COLUMNS,
                receipt_table.c.document_key,
            )
            .where(receipt_table.c.payment_id == payment_id)
            .order_by(receipt_table.c.created_at, receipt_table.c.receipt_id)
        )
        return [Receipt(**row._mapping) for row in rows]

    async def _one(self, record: type[R], table: Table, where: ColumnElement[bool], *, lock: bool = False) -> R | None:
        query = select(table).where(where)
        if lock:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return record(**row._mapping) if row is not None else None

    async def _all(self, record: type[R], table: Table, where: ColumnElement[bool], *order: Any) -> list[R]:
        rows = await self.session.execute(select(table).where(where).order_by(*order))
        return [record(**row._mapping) for row in rows]

    async def _save(self, table: Table, record: Any) -> None:
        """Inserts a record's row, or updates it where its primary key exists."""
        values = asdict(record)
        keys = [column.name for column in table.primary_key.columns]
        await self.session.execute(
            insert(table)
            .values(**values)
            .on_conflict_do_update(index_elements=keys, set_={k: v for k, v in values.items() if k not in keys})
        )

    async def charge_by_key(self, key: str) -> ChargeRecord | None:
        """The charge made for a caller's request, locked for a change."""
        return await self._one(ChargeRecord, charge_table, charge_table.c.key == key, lock=True)

    async def charges_of(self, order_id: str) -> Sequence[ChargeRecord]:
        """An order's extras and expenses, oldest first."""
        where = charge_table.c.order_id == order_id
        return await self._all(ChargeRecord, charge_table, where, charge_table.c.created_at, charge_table.c.charge_id)

    async def save_charge(self, charge: ChargeRecord) -> None:
        """Keeps a charge, new or changed."""
        await self._save(charge_table, charge)

    async def payout_of(self, order_id: str, *, lock: bool = False) -> PayoutRecord | None:
        """An order's payout, once scheduled."""
        return await self._one(PayoutRecord, payout_table, payout_table.c.order_id == order_id, lock=lock)

    async def due_payouts(self, now: datetime, *, limit: int) -> Sequence[PayoutRecord]:
        """Payouts whose day has come, oldest first, locked; rows another replica holds are skipped."""
        rows = await self.session.execute(
            select(payout_table)
            .where(payout_table.c.status == "scheduled", payout_table.c.due_at <= now)
            .order_by(payout_table.c.due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [PayoutRecord(**row._mapping) for row in rows]

    async def save_payout(self, payout: PayoutRecord) -> None:
        """Keeps a payout, new or changed."""
        await self._save(payout_table, payout)

    async def payouts_carried(self, destination_payments: Sequence[str]) -> Sequence[PayoutRecord]:
        """The payouts whose transfers made these payments on a provider's account, locked."""
        if not destination_payments:
            return []
        rows = await self.session.execute(
            select(payout_table)
            .where(payout_table.c.destination_payment.in_(list(destination_payments)))
            .order_by(payout_table.c.payout_id)
            .with_for_update()
        )
        return [PayoutRecord(**row._mapping) for row in rows]

    async def add_hold(self, *, key: str, order_id: str, reason: str) -> bool:
        """Records a freeze once by its key."""
        added = await self.session.execute(
            insert(reserve_hold_table)
            .values(key=key, order_id=order_id, reason=reason, created_at=self.now)
            .on_conflict_do_nothing()
            .returning(reserve_hold_table.c.key)
        )
        return added.first() is not None

    async def release_hold(self, key: str) -> bool | None:
        """Releases a freeze; None when there is no such freeze, False when it was released before."""
        holds = reserve_hold_table
        found = (await self.session.execute(select(holds.c.released_at).where(holds.c.key == key))).first()
        if found is None:
            return None
        if found.released_at is not None:
            return False
        await self.session.execute(update(holds).where(holds.c.key == key).values(released_at=self.now))
        return True

    async def open_holds(self, order_id: str) -> int:
        """How many freezes of an order are not released."""
        holds = reserve_hold_table
        counted = await self.session.execute(
            select(func.count()).where(holds.c.order_id == order_id, holds.c.released_at.is_(None))
        )
        return int(counted.scalar_one())

    async def dispute(self, dispute_id: str, *, lock: bool = False) -> DisputeRecord | None:
        """A chargeback by its id."""
        return await self._one(DisputeRecord, dispute_table, dispute_table.c.dispute_id == dispute_id, lock=lock)

    async def dispute_by_stripe(self, stripe_dispute: str, *, lock: bool = False) -> DisputeRecord | None:
        """A chargeback by Stripe's dispute id."""
        where = dispute_table.c.stripe_dispute == stripe_dispute
        return await self._one(DisputeRecord, dispute_table, where, lock=lock)

    async def disputes_of(self, order_id: str) -> Sequence[DisputeRecord]:
        """An order's chargebacks, oldest first."""
        where = dispute_table.c.order_id == order_id
        return await self._all(DisputeRecord, dispute_table, where, dispute_table.c.created_at)

    async def save_dispute(self, dispute: DisputeRecord) -> None:
        """Keeps a chargeback, new or changed."""
        await self._save(dispute_table, dispute)
