"""The gRPC face of payments: decode, run the use case in one transaction, encode."""

from __future__ import annotations

from typing import Any

import grpc
from sqlalchemy.ext.asyncio import AsyncSession

from callsheet.payments.v1 import payments_pb2, payments_pb2_grpc
from callsheet_kit.errors import invalid_field
from callsheet_kit.identity import current_caller
from callsheet_kit.proto import datetime_of
from callsheet_kit.service import ServiceKit
from services.payments.adapters.wire import encode_payment, encode_quote, encode_receipt, money
from services.payments.application.payments import Payments
from services.payments.domain.policy import Canceller

Context = grpc.aio.ServicerContext[Any, Any]

_CANCELLERS = {
    payments_pb2.CANCELLED_BY_BUYER: Canceller.BUYER,
    payments_pb2.CANCELLED_BY_PROVIDER: Canceller.PROVIDER,
}


class PaymentsServicer(payments_pb2_grpc.PaymentsServiceServicer):
    """PaymentsService over the payments use cases."""

    def __init__(self, kit: ServiceKit, payments: Payments) -> None:
        self._kit = kit
        self._payments = payments

    async def CreateQuote(
        self, request: payments_pb2.CreateQuoteRequest, context: Context
    ) -> payments_pb2.CreateQuoteResponse:
        """Prices a booking for the calling buyer."""
        caller = current_caller()

        async def execute(session: AsyncSession) -> payments_pb2.CreateQuoteResponse:
            quote = await self._payments.create_quote(
                session,
                caller,
                provider_id=request.provider_id,
                role_code=request.role_code,
                start=datetime_of(request.start_utc, present=request.HasField("start_utc")),
                end=datetime_of(request.end_utc, present=request.HasField("end_utc")),
                timezone=request.timezone,
                location_json=request.location_json,
            )
            return payments_pb2.CreateQuoteResponse(quote=encode_quote(quote))

        if not request.request_id:
            async with self._kit.db.transaction() as session:
                return await execute(session)
        return await self._kit.idempotent(
            scope=f"create-quote:{caller.user_id}",
            request=request,
            response_type=payments_pb2.CreateQuoteResponse,
            execute=execute,
        )

    async def GetQuote(self, request: payments_pb2.GetQuoteRequest, context: Context) -> payments_pb2.GetQuoteResponse:
        """Returns a quote to its buyer or provider."""
        async with self._kit.db.transaction() as session:
            quote = await self._payments.get_quote(session, current_caller(), request.quote_id)
            return payments_pb2.GetQuoteResponse(quote=encode_quote(quote))

    async def AuthorizePayment(
        self, request: payments_pb2.AuthorizePaymentRequest, context: Context
    ) -> payments_pb2.AuthorizePaymentResponse:
        """Authorizes a quote's total for an order."""
        caller = current_caller()

        async def execute(session: AsyncSession) -> payments_pb2.AuthorizePaymentResponse:
            payment = await self._payments.authorize(
                session,
                caller,
                quote_id=request.quote_id,
                order_id=request.order_id,
                payment_method_id=request.payment_method_id,
                key=request.request_id,
            )
            return payments_pb2.AuthorizePaymentResponse(payment=encode_payment(payment))

        # Each checkout attempt proposes its own order id: a retry must get the first attempt's.
        fingerprint = payments_pb2.AuthorizePaymentRequest(
            quote_id=request.quote_id, payment_method_id=request.payment_method_id
        )
        return await self._kit.idempotent(
            scope=f"authorize:{caller.user_id}",
            request=request,
            fingerprint=fingerprint,
            response_type=payments_pb2.AuthorizePaymentResponse,
            execute=execute,
        )

    async def CapturePayment(
        self, request: payments_pb2.CapturePaymentRequest, context: Context
    ) -> payments_pb2.CapturePaymentResponse:
        """Captures an order's authorization."""
        caller = current_caller()

        async def execute(session: AsyncSession) -> payments_pb2.CapturePaymentResponse:
            payment = await self._payments.capture(session, caller, order_id=request.order_id, key=request.request_id)
            return payments_pb2.CapturePaymentResponse(payment=encode_payment(payment))

        return await self._kit.idempotent(
            scope=f"capture:{request.order_id}",
            request=request,
            response_type=payments_pb2.CapturePaymentResponse,
            execute=execute,
        )

    async def SettleCancellation(
        self, request: payments_pb2.SettleCancellationRequest, context: Context
    ) -> payments_pb2.SettleCancellationResponse:
        """Voids or refunds an order's payment after a cancellation."""
        caller = current_caller()
        cancelled_by = _CANCELLERS.get(request.cancelled_by)
        if cancelled_by is None:
            raise invalid_field("cancelled_by", "must be BUYER or PROVIDER")
        start = datetime_of(request.start_utc, present=request.HasField("start_utc"))
        if start is None:
            raise invalid_field("start_utc", "is required")

        async def execute(session: AsyncSession) -> payments_pb2.SettleCancellationResponse:
            assert cancelled_by is not None and start is not None
            payment, refunded = await self._payments.settle_cancellation(
                session,
                caller,
                order_id=request.order_id,
                cancelled_by=cancelled_by,
                start=start,
                key=request.request_id,
            )
            return payments_pb2.SettleCancellationResponse(
                payment=encode_payment(payment), refunded_now=money(refunded, payment.currency)
            )

        return await self._kit.idempotent(
            scope=f"settle-cancellation:{request.order_id}",
            request=request,
            response_type=payments_pb2.SettleCancellationResponse,
            execute=execute,
        )

    async def GetPaymentSummary(
        self, request: payments_pb2.GetPaymentSummaryRequest, context: Context
    ) -> payments_pb2.GetPaymentSummaryResponse:
        """Returns an order's money to its participants."""
        async with self._kit.db.transaction() as session:
            payment, receipts = await self._payments.summary(session, current_caller(), request.order_id)
            return payments_pb2.GetPaymentSummaryResponse(
                payment=encode_payment(payment),
                pending_extras=money(0, payment.currency),
                receipts=[encode_receipt(r) for r in receipts],
            )
