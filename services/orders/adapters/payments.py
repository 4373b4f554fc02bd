"""The payments service as orders calls it: gRPC with deadlines, one method per call."""

from __future__ import annotations

from datetime import datetime

from callsheet.payments.v1 import payments_pb2, payments_pb2_grpc
from callsheet_kit.proto import timestamp
from callsheet_kit.rpc import Peers, invoke

CANCELLERS = {"buyer": payments_pb2.CANCELLED_BY_BUYER, "provider": payments_pb2.CANCELLED_BY_PROVIDER}


class GrpcPayments:
    """``PaymentsPort`` over the payments gRPC service."""

    def __init__(self, peers: Peers) -> None:
        self._peers = peers

    def _stub(self) -> payments_pb2_grpc.PaymentsServiceStub:
        return payments_pb2_grpc.PaymentsServiceStub(self._peers.channel("payments"))

    async def get_quote(self, quote_id: str) -> payments_pb2.Quote:
        """The quote, as the current caller may see it."""
        request = payments_pb2.GetQuoteRequest(quote_id=quote_id)
        response: payments_pb2.GetQuoteResponse = await invoke(
            self._stub().GetQuote, request, timeout=self._peers.timeout
        )
        return response.quote

    async def provider_account_status(self, provider_id: str) -> str:
        """Where the provider's payout account stands: ``pending``, ``restricted`` or ``active``."""
        request = payments_pb2.GetProviderAccountRequest(provider_id=provider_id)
        response: payments_pb2.GetProviderAccountResponse = await invoke(
            self._stub().GetProviderAccount, request, timeout=self._peers.timeout
        )
        return payments_pb2.ProviderAccountStatus.Name(response.status).removeprefix("PROVIDER_ACCOUNT_STATUS_").lower()

    async def authorize(
        self, *, key: str, quote_id: str, order_id: str, payment_method_id: str
    ) -> payments_pb2.Payment:
        """Authorizes the quote's total for the order."""
        request = payments_pb2.AuthorizePaymentRequest(
            request_id=key, quote_id=quote_id, order_id=order_id, payment_method_id=payment_method_id
        )
        response: payments_pb2.AuthorizePaymentResponse = await invoke(
            self._stub().AuthorizePayment, request, timeout=self._peers.timeout
        )
        return response.payment

    async def void(self, *, key: str, order_id: str) -> None:
        """Releases the order's authorization, if it has one."""
        request = payments_pb2.VoidAuthorizationRequest(request_id=key, order_id=order_id)
        await invoke(self._stub().VoidAuthorization, request, timeout=self._peers.timeout)

    async def capture(self, *, key: str, order_id: str) -> payments_pb2.Payment:
        """Captures the order's authorization."""
        request = payments_pb2.CapturePaymentRequest(request_id=key, order_id=order_id)
        response: payments_pb2.CapturePaymentResponse = await invoke(
            self._stub().CapturePayment, request, timeout=self._peers.timeout
        )
        return response.payment

    async def settle_cancellation(
        self, *, key: str, order_id: str, cancelled_by: str, start_utc: datetime, cancelled_at: datetime
    ) -> payments_pb2.SettleCancellationResponse:
        """Voids or refunds the order's payment by the policy in force at ``cancelled_at``."""
        request = payments_pb2.SettleCancellationRequest(
            request_id=key,
            order_id=order_id,
            cancelled_by=CANCELLERS[cancelled_by],
            start_utc=timestamp(start_utc),
            cancelled_at=timestamp(cancelled_at),
        )
        return await invoke(self._stub().SettleCancellation, request, timeout=self._peers.timeout)
