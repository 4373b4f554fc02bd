"""Use cases of orders: checkout, confirmation, cancellation, reads, and system transitions."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from google.protobuf.json_format import MessageToDict
from psycopg.types.range import Range
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from callsheet.events.v1.envelope_pb2 import EventEnvelope
from callsheet.orders.v1 import events_pb2
from callsheet.payments.v1 import events_pb2 as payment_events_pb2
from callsheet.payments.v1 import payments_pb2, payments_pb2_grpc
from callsheet_kit.errors import failed_precondition, invalid_field, not_found, permission_denied
from callsheet_kit.identity import Caller
from callsheet_kit.ids import new_id
from callsheet_kit.paging import decode_cursor, keyset_page
from callsheet_kit.proto import datetime_of, timestamp
from callsheet_kit.rpc import invoke
from callsheet_kit.service import ServiceKit
from services.orders.adapters.tables import CalendarEventRow, OrderRow, TimelineEventRow
from services.orders.adapters.wire import STATES, encode_order
from services.orders.domain.lifecycle import (
    OrderState,
    Parties,
    Party,
    require_party,
    require_transition,
    require_version,
    visible_to,
)

PAYMENTS = "payments"


def parties(order: OrderRow) -> Parties:
    """The participants of an order."""
    return Parties(buyer_id=order.buyer_user_id, provider_id=order.provider_user_id)


class Orders:
    """The orders use cases over the service's kit."""

    def __init__(self, kit: ServiceKit) -> None:
        self._kit = kit

    def _payments(self) -> payments_pb2_grpc.PaymentsServiceStub:
        return payments_pb2_grpc.PaymentsServiceStub(self._kit.peers.channel(PAYMENTS))

    async def _slot_free(self, session: AsyncSession, provider_id: str, start: datetime, end: datetime) -> bool:
        clash = await session.execute(
            select(CalendarEventRow.calendar_event_id)
            .where(
                CalendarEventRow.provider_user_id == provider_id,
                CalendarEventRow.released_at.is_(None),
                CalendarEventRow.during.op("&&")(Range(start, end, "[)")),
            )
            .limit(1)
        )
        return clash.first() is None

    async def check_slot(self, session: AsyncSession, *, provider_id: str, start: datetime, end: datetime) -> bool:
        """True when no confirmed event of the provider overlaps the slot."""
        if end <= start:
            raise invalid_field("end_utc", "must be after start_utc")
        return await self._slot_free(session, provider_id, start, end)

    async def checkout(
        self, session: AsyncSession, caller: Caller, *, quote_id: str, payment_method_id: str, key: str
    ) -> OrderRow:
        """Authorizes a quote's total and creates the order in AUTHORIZED."""
        if not caller.user_id:
            raise permission_denied("a user must check out")
        if not quote_id:
            raise invalid_field("quote_id", "is required")
        if not payment_method_id.strip():
            raise invalid_field("payment_method_id", "is required")
        timeout = self._kit.peers.timeout
        quote = (
            await invoke(self._payments().GetQuote, payments_pb2.GetQuoteRequest(quote_id=quote_id), timeout=timeout)
        ).quote
        if quote.buyer_id != caller.user_id:
            raise not_found("quote")
        start_utc, end_utc = datetime_of(quote.start_utc), datetime_of(quote.end_utc)
        assert start_utc is not None and end_utc is not None
        if not await self._slot_free(session, quote.provider_id, start_utc, end_utc):
            raise failed_precondition("SLOT_TAKEN", "the provider is already booked for this slot")
        payment = (
            await invoke(
                self._payments().AuthorizePayment,
                payments_pb2.AuthorizePaymentRequest(
                    request_id=key, quote_id=quote_id, order_id=new_id("ord"), payment_method_id=payment_method_id
                ),
                timeout=timeout,
            )
        ).payment
        existing = await session.get(OrderRow, payment.order_id)
        if existing is not None:
            return existing
        now = self._kit.clock.now()
        order = OrderRow(
            order_id=payment.order_id,
            quote_id=quote_id,
            buyer_user_id=quote.buyer_id,
            provider_user_id=quote.provider_id,
            role_code=quote.role_code,
            start_utc=start_utc,
            end_utc=end_utc,
            timezone=quote.timezone,
            location_json=json.loads(quote.location_json or "{}"),
            policy_snapshot=_message_json(quote.policy),
            price_snapshot=price_snapshot(quote.price),
            state=OrderState.CREATED.value,
            version=0,
            created_at=now,
            updated_at=now,
        )
        session.add(order)
        await session.flush()
        await self._append(session, order, "system", "order.created", caller.user_id, {"quoteId": quote_id})
        await self._transition(
            session,
            order,
            OrderState.AUTHORIZED,
            actor=caller.user_id,
            payload={"paymentId": payment.id, "authorizedCents": payment.authorized.amount_cents},
        )
        return order

    async def get(self, session: AsyncSession, caller: Caller, order_id: str) -> OrderRow:
        """An order, for its participants and staff; NOT_FOUND for anyone else."""
        order = await session.get(OrderRow, order_id) if order_id else None
        if order is None or not (
            caller.service in (PAYMENTS,) or visible_to(parties(order), caller.user_id, is_staff=caller.is_staff)
        ):
            raise not_found("order")
        return order

    async def list_for(
        self, session: AsyncSession, caller: Caller, *, size: int, token: str
    ) -> tuple[Sequence[OrderRow], str]:
        """The caller's orders as buyer or provider, newest first."""
        query = (
            select(OrderRow)
            .where(or_(OrderRow.buyer_user_id == caller.user_id, OrderRow.provider_user_id == caller.user_id))
            .order_by(OrderRow.order_id.desc())
            .limit(size + 1)
        )
        if token:
            (after,) = decode_cursor(token)
            query = query.where(OrderRow.order_id < str(after))
        return keyset_page(list((await session.execute(query)).scalars()), size, lambda row: row.order_id)

    async def timeline(
        self, session: AsyncSession, caller: Caller, *, order_id: str, size: int, token: str
    ) -> tuple[Sequence[TimelineEventRow], str]:
        """A page of an order's timeline, oldest first, by keyset on ``seq``."""
        await self.get(session, caller, order_id)
        query = (
            select(TimelineEventRow)
            .where(TimelineEventRow.order_id == order_id)
            .order_by(TimelineEventRow.seq)
            .limit(size + 1)
        )
        if token:
            (after,) = decode_cursor(token)
            if not isinstance(after, int):
                raise invalid_field("page_token", "is not a cursor this list returned")
            query = query.where(TimelineEventRow.seq > after)
        return keyset_page(list((await session.execute(query)).scalars()), size, lambda row: row.seq)

    async def _locked(self, session: AsyncSession, caller: Caller, order_id: str) -> OrderRow:
        order = await session.get(OrderRow, order_id, with_for_update=True) if order_id else None
        if order is None or not visible_to(parties(order), caller.user_id, is_staff=caller.is_staff):
            raise not_found("order")
        return order

    async def confirm(
        self, session: AsyncSession, caller: Caller, *, order_id: str, expected_version: int, key: str
    ) -> OrderRow:
        """The provider accepts: the slot is booked on the calendar and the payment captured."""
        order = await self._locked(session, caller, order_id)
        require_party(
            parties(order), caller.user_id, allowed={Party.PROVIDER}, is_staff=caller.is_staff, action="confirm"
        )
        require_version(order.version, expected_version)
        require_transition(OrderState(order.state), OrderState.CONFIRMED)
        session.add(
            CalendarEventRow(
                calendar_event_id=new_id("cal"),
                provider_user_id=order.provider_user_id,
                order_id=order.order_id,
                during=Range(order.start_utc, order.end_utc, "[)"),
            )
        )
        try:
            await session.flush()
        except IntegrityError as exc:
            if getattr(exc.orig, "sqlstate", "") == "23P01":
                raise failed_precondition("SLOT_TAKEN", "the provider is already booked for this slot") from None
            raise
        payment = (
            await invoke(
                self._payments().CapturePayment,
                payments_pb2.CapturePaymentRequest(request_id=f"confirm:{key}", order_id=order.order_id),
                timeout=self._kit.peers.timeout,
            )
        ).payment
        await self._append(
            session,
            order,
            "calendar",
            "calendar.event_confirmed",
            caller.user_id,
            {"startUtc": order.start_utc.isoformat(), "endUtc": order.end_utc.isoformat()},
        )
        await self._transition(
            session,
            order,
            OrderState.CONFIRMED,
            actor=caller.user_id,
            payload={"capturedCents": payment.captured.amount_cents},
        )
        return order

    async def cancel(
        self, session: AsyncSession, caller: Caller, *, order_id: str, expected_version: int, reason: str, key: str
    ) -> OrderRow:
        """Either participant cancels; the payment is voided or refunded by the policy snapshot."""
        order = await self._locked(session, caller, order_id)
        party = require_party(
            parties(order),
            caller.user_id,
            allowed={Party.BUYER, Party.PROVIDER},
            is_staff=caller.is_staff,
            action="cancel",
        )
        require_version(order.version, expected_version)
        require_transition(OrderState(order.state), OrderState.CANCELLED)
        if len(reason) > 2000:
            raise invalid_field("reason", "at most 2000 characters")
        settled = await invoke(
            self._payments().SettleCancellation,
            payments_pb2.SettleCancellationRequest(
                request_id=f"cancel:{key}",
                order_id=order.order_id,
                cancelled_by=payments_pb2.CANCELLED_BY_BUYER
                if party is Party.BUYER
                else payments_pb2.CANCELLED_BY_PROVIDER,
                start_utc=timestamp(order.start_utc),
            ),
            timeout=self._kit.peers.timeout,
        )
        await session.execute(
            update(CalendarEventRow)
            .where(CalendarEventRow.order_id == order.order_id, CalendarEventRow.released_at.is_(None))
            .values(released_at=self._kit.clock.now())
        )
        await self._transition(
            session,
            order,
            OrderState.CANCELLED,
            actor=caller.user_id,
            reason=reason,
            payload={"cancelledBy": party.value, "reason": reason, "refundedCents": settled.refunded_now.amount_cents},
        )
        return order

    async def start_due(self, session: AsyncSession, *, limit: int = 100) -> int:
        """Moves CONFIRMED orders whose start has come to IN_PROGRESS; replicas share the work."""
        due = (
            await session.execute(
                select(OrderRow)
                .where(OrderRow.state == OrderState.CONFIRMED.value, OrderRow.start_utc <= self._kit.clock.now())
                .order_by(OrderRow.start_utc)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).scalars()
        count = 0
        for order in due:
            await self._transition(session, order, OrderState.IN_PROGRESS, actor="", payload={})
            count += 1
        return count

    async def record_payment_event(self, session: AsyncSession, envelope: EventEnvelope) -> None:
        """Copies a payment event onto its order's timeline."""
        change = payment_events_pb2.PaymentChanged()
        envelope.data.Unpack(change)
        if await session.get(OrderRow, change.payment.order_id) is None:
            return
        await self._append_raw(
            session,
            order_id=change.payment.order_id,
            kind="payment",
            subtype=envelope.type,
            actor=envelope.actor_user_id,
            payload={
                "amountCents": change.amount.amount_cents,
                "currency": change.amount.currency,
                "paymentId": change.payment.id,
            },
        )

    async def _transition(
        self,
        session: AsyncSession,
        order: OrderRow,
        target: OrderState,
        *,
        actor: str,
        payload: dict[str, Any],
        reason: str = "",
    ) -> None:
        source = OrderState(order.state)
        require_transition(source, target)
        order.state = target.value
        order.version += 1
        order.updated_at = self._kit.clock.now()
        await session.flush()
        await self._append(session, order, "system", f"order.{target.value}", actor, payload)
        await self._kit.outbox.emit(
            session,
            event_type=f"order.{target.value}",
            subject=order.order_id,
            actor_user_id=actor,
            data=events_pb2.OrderTransitioned(
                order=encode_order(order),
                from_state=STATES[source],
                reason=reason,  # type: ignore[arg-type]
            ),
        )

    async def _append(
        self, session: AsyncSession, order: OrderRow, kind: str, subtype: str, actor: str, payload: dict[str, Any]
    ) -> None:
        await self._append_raw(
            session, order_id=order.order_id, kind=kind, subtype=subtype, actor=actor, payload=payload
        )

    async def _append_raw(
        self, session: AsyncSession, *, order_id: str, kind: str, subtype: str, actor: str, payload: dict[str, Any]
    ) -> None:
        session.add(
            TimelineEventRow(
                event_id=new_id("tev"),
                order_id=order_id,
                kind=kind,
                subtype=subtype,
                actor_user_id=actor or None,
                payload=payload,
                created_at=self._kit.clock.now(),
            )
        )
        await session.flush()


def _message_json(message: Any) -> dict[str, Any]:
    result: dict[str, Any] = MessageToDict(message, always_print_fields_with_no_presence=True)
    return result


def price_snapshot(price: payments_pb2.PriceSnapshot) -> dict[str, Any]:
    """The order's price snapshot: flat integer cents, as clients read it."""
    return {
        "currency": price.total.currency,
        "hourlyRateCents": price.hourly_rate.amount_cents,
        "durationMinutes": price.duration_minutes,
        "subtotalCents": price.subtotal.amount_cents,
        "platformFeeBps": price.platform_fee_bps,
        "platformFeeCents": price.platform_fee.amount_cents,
        "taxJurisdiction": price.tax_jurisdiction,
        "taxBps": price.tax_bps,
        "taxCents": price.tax.amount_cents,
        "depositCents": price.deposit.amount_cents,
        "totalCents": price.total.amount_cents,
    }
