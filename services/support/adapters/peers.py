"""Orders, cards and payments as support calls them.

Commands (refunds, the dispute's resolution, hiding media, chargeback evidence) are made as the
support service itself, acting for no user, under request ids derived from the case: the owners
key idempotency by caller, and a step may run in the agent's request or in a sweeper, which must
be the same caller. Reading an order for a user's new case is done as that user, so a stranger
to the order gets NOT_FOUND.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from callsheet.cards.v1 import cards_pb2, cards_pb2_grpc
from callsheet.common.v1.money_pb2 import Money
from callsheet.orders.v1 import orders_pb2, orders_pb2_grpc
from callsheet.payments.v1 import payments_pb2, payments_pb2_grpc
from callsheet_kit.errors import DomainError, ErrorCode
from callsheet_kit.identity import Caller, acting_as
from callsheet_kit.rpc import Peers, invoke
from services.support.usecases.ports import MediaFacts, OrderFacts, Refundable

SUPPORT = Caller()


class GrpcPeers:
    """``PeersPort`` over the orders, cards and payments gRPC services."""

    def __init__(self, peers: Peers) -> None:
        self._peers = peers

    def _orders(self) -> orders_pb2_grpc.OrdersServiceStub:
        return orders_pb2_grpc.OrdersServiceStub(self._peers.channel("orders"))

    def _cards(self) -> cards_pb2_grpc.CardsServiceStub:
        return cards_pb2_grpc.CardsServiceStub(self._peers.channel("cards"))

    def _payments(self) -> payments_pb2_grpc.PaymentsServiceStub:
        return payments_pb2_grpc.PaymentsServiceStub(self._peers.channel("payments"))

    async def _call(self, method: Any, request: Any, *, caller: Caller = SUPPORT) -> Any:
        with acting_as(caller):
            return await invoke(method, request, timeout=self._peers.timeout)

    async def order(self, order_id: str, *, caller: Caller) -> OrderFacts:
        """The order as ``caller`` may see it (support's own account: any order)."""
        as_caller = SUPPORT if caller.service == "support" and not caller.user_id else caller
        response: orders_pb2.GetOrderResponse = await self._call(
            self._orders().GetOrder, orders_pb2.GetOrderRequest(order_id=order_id), caller=as_caller
        )
        order = response.order
        return OrderFacts(
            order_id=order.id,
            buyer_id=order.buyer_id,
            provider_id=order.provider_id,
            state=orders_pb2.OrderState.Name(order.state).removeprefix("ORDER_STATE_"),
        )

    async def refundable(self, order_id: str) -> Refundable:
        """What is left to refund: taken (booking and extras) less refunded and charged back."""
        try:
            response: payments_pb2.GetPaymentSummaryResponse = await self._call(
                self._payments().GetPaymentSummary, payments_pb2.GetPaymentSummaryRequest(order_id=order_id)
            )
        except DomainError as refused:
            if refused.code is ErrorCode.NOT_FOUND:
                return Refundable(currency="", cents=0)
            raise
        payment = response.payment
        left = (
            payment.captured.amount_cents
            + payment.charged_extras.amount_cents
            - payment.refunded.amount_cents
            - payment.charged_back.amount_cents
        )
        return Refundable(currency=payment.captured.currency or payment.authorized.currency, cents=max(left, 0))

    async def refund(self, *, request_id: str, order_id: str, cents: int, currency: str, reason: str) -> None:
        """Refunds part of the order's payment."""
        request = payments_pb2.RefundPaymentRequest(
            request_id=request_id,
            order_id=order_id,
            amount=Money(amount_cents=cents, currency=currency),
            reason=reason[:500],
        )
        await self._call(self._payments().RefundPayment, request)

    async def resolve_order_dispute(self, *, request_id: str, order_id: str) -> None:
        """DISPUTED → COMPLETED; an order already COMPLETED again (a repeat) is left as it is."""
        request = orders_pb2.ResolveDisputeRequest(request_id=request_id, order_id=order_id)
        try:
            await self._call(self._orders().ResolveDispute, request)
        except DomainError as refused:
            if not (refused.reason == "INVALID_TRANSITION" and refused.metadata.get("state") == "COMPLETED"):
                raise

    async def resolve_dispute_card(self, *, request_id: str, card_id: str, note: str) -> None:
        """Cards releases the card's payout freeze, settles the payout and closes the card."""
        request = cards_pb2.ResolveDisputeCardRequest(request_id=request_id, card_id=card_id, note=note[:2000])
        await self._call(self._cards().ResolveDisputeCard, request)

    async def set_media_hidden(self, *, request_id: str, media_ids: Sequence[str], hidden: bool, reason: str) -> None:
        """Hides or restores media wherever cards serves them."""
        request = cards_pb2.SetMediaHiddenRequest(
            request_id=request_id, media_ids=list(media_ids), hidden=hidden, reason=reason[:500]
        )
        await self._call(self._cards().SetMediaHidden, request)

    async def describe_media(self, media_ids: Sequence[str]) -> Sequence[MediaFacts]:
        """The known media among ``media_ids``."""
        response: cards_pb2.DescribeMediaResponse = await self._call(
            self._cards().DescribeMedia, cards_pb2.DescribeMediaRequest(media_ids=list(media_ids))
        )
        return [
            MediaFacts(media_id=media.id, order_id=media.order_id, uploader_id=media.uploader_id, hidden=media.hidden)
            for media in response.media
        ]

    async def submit_dispute_evidence(
        self, *, request_id: str, dispute_id: str, evidence: Mapping[str, str], submit: bool
    ) -> None:
        """Stages or submits evidence on the chargeback."""
        request = payments_pb2.SubmitDisputeEvidenceRequest(
            request_id=request_id, dispute_id=dispute_id, evidence=dict(evidence), submit=submit
        )
        try:
            await self._call(self._payments().SubmitDisputeEvidence, request)
        except DomainError as refused:
            # Submitted before (a repeated step): the network has it already.
            if refused.reason != "DISPUTE_EVIDENCE_SUBMITTED":
                raise
