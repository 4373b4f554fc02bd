"""The payments unit of work over PostgreSQL: payments, quotes, refunds and receipts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update

from callsheet_kit.ids import new_id
from callsheet_kit.uow import KitParts, UnitOfWork
from services.payments.adapters.tables import QuoteRow, RateCard, payment_table, receipt_table, refund_table
from services.payments.adapters.wire import encode_event
from services.payments.domain.payment import Payment, PaymentStatus, RefundStatus
from services.payments.usecases.ports import Receipt, Refund


class SqlPaymentsUnitOfWork(UnitOfWork):
    """One transaction of payments; every payment loaded or added is tracked for its events."""

    def __init__(self, parts: KitParts) -> None:
        super().__init__(parts, encode_event)

    async def payment_of(self, order_id: str, *, lock: bool = False) -> Payment | None:
        """The order's payment (``FOR UPDATE`` when locking)."""
        query = select(Payment).where(payment_table.c.order_id == order_id)
        if lock:
            query = query.with_for_update()
        payment = (await self.session.execute(query)).scalar()
        return self.track(payment) if payment is not None else None

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
                receipt_table.c.receipt_id,
                receipt_table.c.kind,
                receipt_table.c.total_cents,
                receipt_table.c.currency,
                receipt_table.c.created_at,
            )
            .where(receipt_table.c.payment_id == payment_id)
            .order_by(receipt_table.c.created_at, receipt_table.c.receipt_id)
        )
        return [Receipt(**row._mapping) for row in rows]
