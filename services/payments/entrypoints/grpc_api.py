"""The gRPC face of payments: decode the request, run the use case, encode the result."""

from __future__ import annotations

from typing import Any

import grpc

from callsheet.payments.v1 import payments_pb2, payments_pb2_grpc
from callsheet_kit.errors import Violations
from callsheet_kit.identity import current_caller
from callsheet_kit.proto import datetime_of
from callsheet_kit.uow import execute
from services.payments.adapters.wire import (
    encode_balance,
    encode_charge,
    encode_dispute,
    encode_order_ledger,
    encode_payment,
    encode_payout,
    encode_quote,
    encode_receipt,
    money,
)
from services.payments.bootstrap import Payments
from services.payments.domain.onboarding import AccountStatus
from services.payments.domain.policy import Canceller
from services.payments.usecases.authorize_payment import AuthorizePayment, authorize_payment
from services.payments.usecases.capture_payment import CapturePayment, capture_payment
from services.payments.usecases.charges import (
    AddExpense,
    ChargeExtras,
    ExpenseItem,
    ExtraItem,
    add_expense,
    charge_extras,
)
from services.payments.usecases.create_quote import CreateQuote, create_quote
from services.payments.usecases.disputes import SubmitDisputeEvidence, submit_dispute_evidence
from services.payments.usecases.get_ledger import (
    GetOrderLedger,
    GetProviderBalance,
    get_order_ledger,
    get_provider_balance,
)
from services.payments.usecases.get_payment_summary import GetPaymentSummary, PaymentSummary, get_payment_summary
from services.payments.usecases.get_provider_account import GetProviderAccount, get_provider_account
from services.payments.usecases.get_quote import GetQuote, get_quote
from services.payments.usecases.payouts import SchedulePayout, schedule_payout
from services.payments.usecases.ports import Receipt
from services.payments.usecases.receive_stripe_event import ReceiveStripeEvent, receive_stripe_event
from services.payments.usecases.refund_payment import RefundPayment, refund_payment
from services.payments.usecases.reserves import FreezeReserve, UnfreezeReserve, freeze_reserve, unfreeze_reserve
from services.payments.usecases.settle_cancellation import SettleCancellation, settle_cancellation
from services.payments.usecases.void_authorization import VoidAuthorization, void_authorization

Context = grpc.aio.ServicerContext[Any, Any]

_CANCELLERS = {
    payments_pb2.CANCELLED_BY_BUYER: Canceller.BUYER,
    payments_pb2.CANCELLED_BY_PROVIDER: Canceller.PROVIDER,
}


class PaymentsServicer(payments_pb2_grpc.PaymentsServiceServicer):
    """PaymentsService over the payments use cases."""

    def __init__(self, payments: Payments) -> None:
        self._payments = payments

    def _link(self, receipt: Receipt) -> str:
        documents = self._payments.deps.documents
        if receipt.document_key is None or documents is None:
            return ""
        return documents.download_url(receipt.document_key)

    async def CreateQuote(
        self, request: payments_pb2.CreateQuoteRequest, context: Context
    ) -> payments_pb2.CreateQuoteResponse:
        """Prices a booking for the calling buyer."""
        command = CreateQuote(
            caller=current_caller(),
            provider_id=request.provider_id,
            role_code=request.role_code,
            start=datetime_of(request.start_utc, present=request.HasField("start_utc")),
            end=datetime_of(request.end_utc, present=request.HasField("end_utc")),
            timezone=request.timezone,
            location_json=request.location_json,
        )
        return await create_quote(
            self._payments.deps,
            command,
            request,
            respond=lambda quote: payments_pb2.CreateQuoteResponse(quote=encode_quote(quote)),
        )

    async def GetQuote(self, request: payments_pb2.GetQuoteRequest, context: Context) -> payments_pb2.GetQuoteResponse:
        """Returns a quote to its buyer or provider."""
        return await execute(
            get_quote,
            GetQuote(caller=current_caller(), quote_id=request.quote_id),
            uow=self._payments.uow(),
            respond=lambda quote: payments_pb2.GetQuoteResponse(quote=encode_quote(quote)),
        )

    async def AuthorizePayment(
        self, request: payments_pb2.AuthorizePaymentRequest, context: Context
    ) -> payments_pb2.AuthorizePaymentResponse:
        """Authorizes a quote's total for an order."""
        command = AuthorizePayment(
            caller=current_caller(),
            quote_id=request.quote_id,
            order_id=request.order_id,
            payment_method_id=request.payment_method_id,
        )
        payment = await authorize_payment(self._payments.deps, command)
        return payments_pb2.AuthorizePaymentResponse(payment=encode_payment(payment))

    async def CapturePayment(
        self, request: payments_pb2.CapturePaymentRequest, context: Context
    ) -> payments_pb2.CapturePaymentResponse:
        """Captures an order's authorization."""
        payment = await capture_payment(
            self._payments.deps, CapturePayment(caller=current_caller(), order_id=request.order_id)
        )
        return payments_pb2.CapturePaymentResponse(payment=encode_payment(payment))

    async def VoidAuthorization(
        self, request: payments_pb2.VoidAuthorizationRequest, context: Context
    ) -> payments_pb2.VoidAuthorizationResponse:
        """Releases an order's authorization."""
        payment = await void_authorization(
            self._payments.deps, VoidAuthorization(caller=current_caller(), order_id=request.order_id)
        )
        if payment is None:
            return payments_pb2.VoidAuthorizationResponse()
        return payments_pb2.VoidAuthorizationResponse(payment=encode_payment(payment))

    async def SettleCancellation(
        self, request: payments_pb2.SettleCancellationRequest, context: Context
    ) -> payments_pb2.SettleCancellationResponse:
        """Voids or refunds an order's payment after a cancellation."""
        violations = Violations()
        cancelled_by = _CANCELLERS.get(request.cancelled_by)
        violations.check(cancelled_by is not None, "cancelled_by", "must be BUYER or PROVIDER")
        start = datetime_of(request.start_utc, present=request.HasField("start_utc"))
        cancelled_at = datetime_of(request.cancelled_at, present=request.HasField("cancelled_at"))
        violations.check(start is not None, "start_utc", "is required")
        violations.check(cancelled_at is not None, "cancelled_at", "is required")
        violations.raise_if_any()
        assert cancelled_by is not None and start is not None and cancelled_at is not None
        command = SettleCancellation(
            caller=current_caller(),
            order_id=request.order_id,
            cancelled_by=cancelled_by,
            start=start,
            cancelled_at=cancelled_at,
        )
        payment, refunded = await settle_cancellation(self._payments.deps, command)
        return payments_pb2.SettleCancellationResponse(
            payment=encode_payment(payment), refunded_now=money(refunded, payment.currency)
        )

    async def GetPaymentSummary(
        self, request: payments_pb2.GetPaymentSummaryRequest, context: Context
    ) -> payments_pb2.GetPaymentSummaryResponse:
        """Returns an order's money to its participants."""
        return await execute(
            get_payment_summary,
            GetPaymentSummary(caller=current_caller(), order_id=request.order_id),
            uow=self._payments.uow(),
            respond=self._summary,
        )

    def _summary(self, found: PaymentSummary) -> payments_pb2.GetPaymentSummaryResponse:
        response = payments_pb2.GetPaymentSummaryResponse(
            payment=encode_payment(found.payment),
            pending_extras=money(found.pending_extras_cents, found.payment.currency),
            receipts=[encode_receipt(receipt, download_url=self._link(receipt)) for receipt in found.receipts],
            charges=[encode_charge(charge) for charge in found.charges],
            disputes=[encode_dispute(dispute) for dispute in found.disputes],
        )
        if found.payout is not None:
            response.payout.CopyFrom(encode_payout(found.payout))
        return response

    async def GetOrderLedger(
        self, request: payments_pb2.GetOrderLedgerRequest, context: Context
    ) -> payments_pb2.GetOrderLedgerResponse:
        """Returns an order's ledger to an admin."""
        return await execute(
            get_order_ledger,
            GetOrderLedger(caller=current_caller(), order_id=request.order_id),
            uow=self._payments.uow(),
            respond=encode_order_ledger,
        )

    async def GetProviderBalance(
        self, request: payments_pb2.GetProviderBalanceRequest, context: Context
    ) -> payments_pb2.GetProviderBalanceResponse:
        """Returns what the platform owes a provider to an admin."""
        return await execute(
            get_provider_balance,
            GetProviderBalance(caller=current_caller(), provider_id=request.provider_id),
            uow=self._payments.uow(),
            respond=lambda found: payments_pb2.GetProviderBalanceResponse(
                balances=[encode_balance(found[0], balance, currency) for currency, balance in found[1].items()]
            ),
        )

    async def ReceiveStripeEvent(
        self, request: payments_pb2.ReceiveStripeEventRequest, context: Context
    ) -> payments_pb2.ReceiveStripeEventResponse:
        """Takes a Stripe webhook delivery from the gateway."""
        command = ReceiveStripeEvent(caller=current_caller(), payload=request.payload, signature=request.signature)
        received = await receive_stripe_event(self._payments.deps, command)
        return payments_pb2.ReceiveStripeEventResponse(
            event_id=received.event_id, type=received.type, duplicate=received.duplicate, handled=received.handled
        )

    async def GetProviderAccount(
        self, request: payments_pb2.GetProviderAccountRequest, context: Context
    ) -> payments_pb2.GetProviderAccountResponse:
        """Returns where a provider's payout account stands."""
        return await execute(
            get_provider_account,
            GetProviderAccount(caller=current_caller(), provider_id=request.provider_id),
            uow=self._payments.uow(),
            respond=lambda account: payments_pb2.GetProviderAccountResponse(
                provider_id=account.provider_id,
                status=ACCOUNT_STATUSES[account.status],
                requirements_due=account.requirements_due,
            ),
        )

    async def RefundPayment(
        self, request: payments_pb2.RefundPaymentRequest, context: Context
    ) -> payments_pb2.RefundPaymentResponse:
        """Refunds part of an order's captured money, once per caller and key."""
        command = RefundPayment(
            caller=current_caller(),
            request_id=request.request_id,
            order_id=request.order_id,
            amount_cents=request.amount.amount_cents,
            reason=request.reason,
        )
        done = await refund_payment(self._payments.deps, command)
        assert done.refund is not None
        return payments_pb2.RefundPaymentResponse(
            payment=encode_payment(done.payment),
            refund_id=done.refund.refund_id,
            refunded=money(done.refund.amount_cents, done.payment.currency),
        )

    async def ChargeExtras(
        self, request: payments_pb2.ChargeExtrasRequest, context: Context
    ) -> payments_pb2.ChargeExtrasResponse:
        """Charges accepted extras off-session."""
        command = ChargeExtras(
            caller=current_caller(),
            request_id=request.request_id,
            order_id=request.order_id,
            items=[
                ExtraItem(
                    description=item.description,
                    quantity=item.quantity,
                    unit_amount_cents=item.unit_amount.amount_cents,
                    currency=item.unit_amount.currency,
                )
                for item in request.items
            ],
        )
        done = await charge_extras(self._payments.deps, command)
        return payments_pb2.ChargeExtrasResponse(
            charge=encode_charge(done.charge), payment=encode_payment(done.payment)
        )

    async def AddExpense(
        self, request: payments_pb2.AddExpenseRequest, context: Context
    ) -> payments_pb2.AddExpenseResponse:
        """Adds an approved expense to the final settlement."""
        command = AddExpense(
            caller=current_caller(),
            request_id=request.request_id,
            order_id=request.order_id,
            items=[
                ExpenseItem(
                    category=item.category,
                    description=item.description,
                    amount_cents=item.amount.amount_cents,
                    currency=item.amount.currency,
                    receipt_media_id=item.receipt_media_id,
                )
                for item in request.items
            ],
        )
        charge = await add_expense(self._payments.deps, command)
        return payments_pb2.AddExpenseResponse(charge=encode_charge(charge))

    async def SchedulePayout(
        self, request: payments_pb2.SchedulePayoutRequest, context: Context
    ) -> payments_pb2.SchedulePayoutResponse:
        """Settles a completed order and schedules its payout."""
        command = SchedulePayout(
            caller=current_caller(),
            request_id=request.request_id,
            order_id=request.order_id,
            completed_at=datetime_of(request.completed_at, present=request.HasField("completed_at")),
        )
        done = await schedule_payout(self._payments.deps, command)
        return payments_pb2.SchedulePayoutResponse(
            payout=encode_payout(done.payout), expenses=[encode_charge(charge) for charge in done.expenses]
        )

    async def FreezeReserve(
        self, request: payments_pb2.FreezeReserveRequest, context: Context
    ) -> payments_pb2.FreezeReserveResponse:
        """Freezes an order's payout."""
        command = FreezeReserve(
            caller=current_caller(), request_id=request.request_id, order_id=request.order_id, reason=request.reason
        )
        done = await freeze_reserve(self._payments.deps, command)
        return payments_pb2.FreezeReserveResponse(
            payment=encode_payment(done.payment), frozen=money(done.amount_cents, done.payment.currency)
        )

    async def UnfreezeReserve(
        self, request: payments_pb2.UnfreezeReserveRequest, context: Context
    ) -> payments_pb2.UnfreezeReserveResponse:
        """Releases a freeze."""
        command = UnfreezeReserve(
            caller=current_caller(),
            request_id=request.request_id,
            order_id=request.order_id,
            freeze_request_id=request.freeze_request_id,
        )
        done = await unfreeze_reserve(self._payments.deps, command)
        return payments_pb2.UnfreezeReserveResponse(
            payment=encode_payment(done.payment), released=money(done.amount_cents, done.payment.currency)
        )

    async def SubmitDisputeEvidence(
        self, request: payments_pb2.SubmitDisputeEvidenceRequest, context: Context
    ) -> payments_pb2.SubmitDisputeEvidenceResponse:
        """Stages or submits chargeback evidence."""
        command = SubmitDisputeEvidence(
            caller=current_caller(),
            request_id=request.request_id,
            dispute_id=request.dispute_id,
            evidence=dict(request.evidence),
            submit=request.submit,
        )
        dispute = await submit_dispute_evidence(self._payments.deps, command)
        return payments_pb2.SubmitDisputeEvidenceResponse(dispute=encode_dispute(dispute))


ACCOUNT_STATUSES = {
    AccountStatus.PENDING: payments_pb2.PROVIDER_ACCOUNT_STATUS_PENDING,
    AccountStatus.RESTRICTED: payments_pb2.PROVIDER_ACCOUNT_STATUS_RESTRICTED,
    AccountStatus.ACTIVE: payments_pb2.PROVIDER_ACCOUNT_STATUS_ACTIVE,
}
