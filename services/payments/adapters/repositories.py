"""The payments unit of work over PostgreSQL: payments, quotes, refunds, receipts and the ledger.

Every movement a payment records (authorized, captured, voided, refunded) posts its ledger entry
in the same transaction, from the unit of work's event hook: a movement without its entry, or an
entry without its movement, cannot commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, case, func, select, update
from sqlalchemy.dialects.postgresql import insert

from callsheet_kit.domain import Aggregate, DomainEvent
from callsheet_kit.ids import new_id
from callsheet_kit.uow import KitParts, UnitOfWork
from services.payments.adapters.tables import (
    ProviderConnect,
    QuoteRow,
    RateCard,
    ledger_entry_table,
    ledger_posting_table,
    payment_table,
    receipt_table,
    refund_table,
    stripe_event_table,
)
from services.payments.adapters.wire import encode_event
from services.payments.domain.ledger import Balance, Entry, EntryKind, Posting, Split, entry_for, needs_balances
from services.payments.domain.payment import Payment, PaymentEvent, PaymentStatus, RefundStatus
from services.payments.usecases.ports import PostedEntry, Receipt, ReceiptToRender, Refund, StripeEvent

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

    async def on_event(self, aggregate: Aggregate, event: DomainEvent) -> None:
        """Posts the ledger entry of a payment's movement, in this transaction."""
        if not isinstance(aggregate, Payment) or not isinstance(event, PaymentEvent):
            return
        quote = await self.quote(aggregate.quote_id)
        if quote is None:
            raise LookupError(f"payment {aggregate.payment_id} has no quote {aggregate.quote_id}")
        price = Split(quote.subtotal_cents, quote.platform_fee_cents, quote.tax_cents)
        # Only a refund is measured against what the order's accounts hold: the others skip the read.
        held = await self.order_balances(aggregate.order_id) if needs_balances(event) else {}
        await self.post(entry_for(aggregate, event, price=price, balances=held))

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
                QuoteRow.subtotal_cents,
                QuoteRow.platform_fee_cents,
                QuoteRow.tax_cents,
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

    async def issue_receipt(self, payment: Payment, *, kind: str, total_cents: int, now: datetime) -> None:
        """Issues a receipt for money taken or returned."""
        await self.session.execute(
            receipt_table.insert().values(
                receipt_id=new_id("rcp"),
                payment_id=payment.payment_id,
                kind=kind,
                total_cents=total_cents,
                currency=payment.currency,
                created_at=now,
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
