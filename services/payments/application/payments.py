"""Use cases of payments: quoting, authorizing, capturing and settling cancellations."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callsheet.common.v1 import money_pb2
from callsheet.orders.v1 import orders_pb2, orders_pb2_grpc
from callsheet.payments.v1 import events_pb2
from callsheet_kit.errors import Violations, failed_precondition, not_found, permission_denied
from callsheet_kit.identity import Caller
from callsheet_kit.ids import new_id
from callsheet_kit.proto import timestamp
from callsheet_kit.rpc import invoke
from callsheet_kit.service import ServiceKit
from services.payments.adapters.provider import CardDeclined, PaymentProvider
from services.payments.adapters.tables import PaymentRow, QuoteRow, RateCard, ReceiptRow, RefundRow
from services.payments.adapters.wire import encode_payment
from services.payments.config import PaymentsSettings
from services.payments.domain.policy import (
    STANDARD_POLICY,
    CancellationTier,
    Canceller,
    Policy,
    cancellation_refund_cents,
    refund_percent,
)
from services.payments.domain.pricing import Price, price_booking, tax_jurisdiction, validate_slot

ORDERS_SERVICE = "orders"


def policy_from_snapshot(snapshot: dict[str, Any]) -> Policy:
    """The policy a quote's snapshot holds."""
    tiers = tuple(CancellationTier(**tier) for tier in snapshot["buyer_cancellation_tiers"])
    return Policy(**{**snapshot, "buyer_cancellation_tiers": tiers})


def price_from_snapshot(snapshot: dict[str, Any]) -> Price:
    """The price a quote's snapshot holds."""
    return Price(**snapshot)


class Payments:
    """The payments use cases over the service's kit and a payment provider."""

    def __init__(self, kit: ServiceKit, settings: PaymentsSettings, provider: PaymentProvider) -> None:
        self._kit = kit
        self._settings = settings
        self._provider = provider

    def _require_user(self, caller: Caller) -> str:
        if not caller.user_id:
            raise permission_denied("a user must make this call")
        return caller.user_id

    @staticmethod
    def _require_orders(caller: Caller) -> None:
        if caller.service != ORDERS_SERVICE:
            raise permission_denied("only the orders service may move an order's money")

    async def create_quote(
        self,
        session: AsyncSession,
        caller: Caller,
        *,
        provider_id: str,
        role_code: str,
        start: datetime | None,
        end: datetime | None,
        timezone: str,
        location_json: str,
    ) -> QuoteRow:
        """Prices a booking for the calling buyer."""
        buyer_id = self._require_user(caller)
        now = self._kit.clock.now()
        violations = Violations()
        violations.check(bool(provider_id.strip()), "provider_id", "is required")
        violations.check(bool(role_code.strip()), "role_code", "is required")
        violations.check(provider_id != buyer_id, "provider_id", "you cannot book yourself")
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            violations.add("timezone", "must be an IANA time zone name such as Europe/Berlin")
        location: Any = None
        try:
            location = json.loads(location_json or "null")
        except json.JSONDecodeError:
            pass
        violations.check(isinstance(location, dict), "location", "must be a JSON object")
        if start is None:
            violations.add("start_utc", "is required")
        if end is None:
            violations.add("end_utc", "is required")
        duration = 0
        if start is not None and end is not None:
            duration = validate_slot(start=start, end=end, now=now, violations=violations)
        rate = None
        if provider_id and role_code:
            rate = await session.get(RateCard, (provider_id, role_code))
            if rate is None or not rate.active:
                violations.add("role_code", "the provider offers no bookings in this role")
        violations.raise_if_any()
        assert rate is not None and start is not None and end is not None and isinstance(location, dict)

        slot = await invoke(
            orders_pb2_grpc.OrdersServiceStub(self._kit.peers.channel(ORDERS_SERVICE)).CheckSlot,
            orders_pb2.CheckSlotRequest(provider_id=provider_id, start_utc=timestamp(start), end_utc=timestamp(end)),
            timeout=self._kit.peers.timeout,
        )
        if not slot.available:
            raise failed_precondition("SLOT_TAKEN", "the provider is already booked for this slot")

        jurisdiction, tax_bps = tax_jurisdiction(location, self._settings.tax_rates_bps)
        price = price_booking(
            hourly_rate_cents=rate.hourly_rate_cents,
            currency=rate.currency,
            duration_minutes=duration,
            platform_fee_bps=self._settings.platform_fee_bps,
            jurisdiction=jurisdiction,
            tax_bps=tax_bps,
        )
        quote = QuoteRow(
            quote_id=new_id("qte"),
            buyer_id=buyer_id,
            provider_id=provider_id,
            role_code=role_code,
            start_utc=start,
            end_utc=end,
            timezone=timezone,
            location=location,
            currency=price.currency,
            subtotal_cents=price.subtotal_cents,
            platform_fee_cents=price.platform_fee_cents,
            tax_cents=price.tax_cents,
            deposit_cents=price.deposit_cents,
            total_cents=price.total_cents,
            price_snapshot=asdict(price),
            policy_snapshot=asdict(STANDARD_POLICY),
            expires_at=now + timedelta(seconds=self._settings.quote_ttl_seconds),
            created_at=now,
        )
        session.add(quote)
        await session.flush()
        return quote

    async def get_quote(self, session: AsyncSession, caller: Caller, quote_id: str) -> QuoteRow:
        """A quote, for its buyer or provider, staff, or a service."""
        quote = await session.get(QuoteRow, quote_id)
        allowed = caller.is_staff or caller.service == ORDERS_SERVICE
        if quote is None or not (allowed or caller.user_id in (quote.buyer_id, quote.provider_id)):
            raise not_found("quote")
        return quote

    async def authorize(
        self, session: AsyncSession, caller: Caller, *, quote_id: str, order_id: str, payment_method_id: str, key: str
    ) -> PaymentRow:
        """Authorizes a quote's total for an order, once per quote."""
        self._require_orders(caller)
        violations = Violations()
        violations.check(bool(payment_method_id.strip()), "payment_method_id", "is required")
        violations.check(bool(order_id), "order_id", "is required")
        violations.raise_if_any()
        quote = await session.get(QuoteRow, quote_id, with_for_update=True)
        if quote is None or quote.buyer_id != caller.user_id:
            raise not_found("quote")
        existing = (await session.execute(select(PaymentRow).where(PaymentRow.quote_id == quote_id))).scalar()
        if existing is not None:
            raise failed_precondition("QUOTE_USED", "this quote was already checked out")
        now = self._kit.clock.now()
        if quote.expires_at <= now:
            raise failed_precondition("QUOTE_EXPIRED", "the quote has expired; ask for a new one")
        try:
            intent = await self._provider.authorize(
                amount_cents=quote.total_cents,
                currency=quote.currency,
                payment_method_id=payment_method_id,
                idempotency_key=f"authorize:{quote_id}:{key}",
                metadata={"order_id": order_id, "quote_id": quote_id},
            )
        except CardDeclined as declined:
            raise failed_precondition(
                "PAYMENT_DECLINED", "the card was declined", declineCode=declined.decline_code
            ) from None
        payment = PaymentRow(
            payment_id=new_id("pay"),
            order_id=order_id,
            quote_id=quote_id,
            buyer_id=quote.buyer_id,
            provider_id=quote.provider_id,
            currency=quote.currency,
            status="authorized",
            authorized_cents=quote.total_cents,
            captured_cents=0,
            refunded_cents=0,
            provider_intent_id=intent.intent_id,
            created_at=now,
            updated_at=now,
        )
        session.add(payment)
        await session.flush()
        await self._emit(session, "payment.authorized", payment, quote.total_cents)
        return payment

    async def _payment_of(self, session: AsyncSession, order_id: str) -> PaymentRow:
        payment = (
            await session.execute(select(PaymentRow).where(PaymentRow.order_id == order_id).with_for_update())
        ).scalar()
        if payment is None:
            raise not_found("payment")
        return payment

    async def capture(self, session: AsyncSession, caller: Caller, *, order_id: str, key: str) -> PaymentRow:
        """Captures an order's authorization in full; capturing twice changes nothing."""
        self._require_orders(caller)
        payment = await self._payment_of(session, order_id)
        if payment.status == "captured":
            return payment
        if payment.status != "authorized":
            raise failed_precondition("PAYMENT_NOT_CAPTURABLE", f"the payment is {payment.status}")
        intent = await self._provider.capture(
            intent_id=payment.provider_intent_id,
            amount_cents=payment.authorized_cents,
            idempotency_key=f"capture:{key}",
        )
        now = self._kit.clock.now()
        payment.status, payment.captured_cents, payment.updated_at = "captured", intent.amount_received_cents, now
        session.add(
            ReceiptRow(
                receipt_id=new_id("rcp"),
                payment_id=payment.payment_id,
                kind="booking",
                total_cents=payment.captured_cents,
                currency=payment.currency,
                created_at=now,
            )
        )
        await session.flush()
        await self._emit(session, "payment.captured", payment, payment.captured_cents)
        return payment

    async def settle_cancellation(
        self,
        session: AsyncSession,
        caller: Caller,
        *,
        order_id: str,
        cancelled_by: Canceller,
        start: datetime,
        key: str,
    ) -> tuple[PaymentRow, int]:
        """Voids an authorization, or refunds a capture by the quote's policy snapshot."""
        self._require_orders(caller)
        payment = await self._payment_of(session, order_id)
        now = self._kit.clock.now()
        if payment.status == "authorized":
            await self._provider.cancel(intent_id=payment.provider_intent_id, idempotency_key=f"void:{key}")
            payment.status, payment.updated_at = "voided", now
            await session.flush()
            await self._emit(session, "payment.voided", payment, payment.authorized_cents)
            return payment, 0
        if payment.status not in ("captured", "partially_refunded"):
            return payment, 0
        quote = await session.get(QuoteRow, payment.quote_id)
        assert quote is not None
        percent = refund_percent(
            policy_from_snapshot(quote.policy_snapshot), cancelled_by=cancelled_by, start=start, now=now
        )
        amount = cancellation_refund_cents(
            price_from_snapshot(quote.price_snapshot),
            percent,
            refundable_cents=payment.captured_cents - payment.refunded_cents,
        )
        if amount == 0:
            return payment, 0
        refund = await self._provider.refund(
            intent_id=payment.provider_intent_id, amount_cents=amount, idempotency_key=f"cancel-refund:{key}"
        )
        payment.refunded_cents += amount
        payment.status = "refunded" if payment.refunded_cents == payment.captured_cents else "partially_refunded"
        payment.updated_at = now
        session.add(
            RefundRow(
                refund_id=new_id("rfd"),
                payment_id=payment.payment_id,
                amount_cents=amount,
                reason=f"cancelled by {cancelled_by.value}",
                provider_refund_id=refund.refund_id,
                created_at=now,
            )
        )
        session.add(
            ReceiptRow(
                receipt_id=new_id("rcp"),
                payment_id=payment.payment_id,
                kind="refund",
                total_cents=amount,
                currency=payment.currency,
                created_at=now,
            )
        )
        await session.flush()
        await self._emit(session, "payment.refunded", payment, amount)
        return payment, amount

    async def summary(
        self, session: AsyncSession, caller: Caller, order_id: str
    ) -> tuple[PaymentRow, list[ReceiptRow]]:
        """An order's payment and receipts, for its participants and staff."""
        payment = (await session.execute(select(PaymentRow).where(PaymentRow.order_id == order_id))).scalar()
        allowed = caller.is_staff or caller.service == ORDERS_SERVICE
        if payment is None or not (allowed or caller.user_id in (payment.buyer_id, payment.provider_id)):
            raise not_found("payment")
        receipts = (
            await session.execute(
                select(ReceiptRow)
                .where(ReceiptRow.payment_id == payment.payment_id)
                .order_by(ReceiptRow.created_at, ReceiptRow.receipt_id)
            )
        ).scalars()
        return payment, list(receipts)

    async def _emit(self, session: AsyncSession, event_type: str, payment: PaymentRow, amount_cents: int) -> None:
        await self._kit.outbox.emit(
            session,
            event_type=event_type,
            subject=payment.order_id,
            data=events_pb2.PaymentChanged(
                payment=encode_payment(payment),
                amount=money_pb2.Money(amount_cents=amount_cents, currency=payment.currency),
            ),
        )
