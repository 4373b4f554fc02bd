"""The owning services as support reads them for an evidence pack: orders, cards and payments.

Support reads on its own account, acting for no user: each owner lets the support service read
any order's records that way (the agent who asked for the pack was checked by support itself).
Records are taken as their owners return them, converted to JSON with the proto3 JSON names
(camelCase, as every Callsheet payload), every field present, 64-bit integers as numbers and the
``…_json`` text fields parsed into the JSON they hold (``payloadJson`` becomes ``payload``).

Signed download links are left out: a pack is kept for years, long after any link expired, and
handing one on would give its holder the file.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.json_format import MessageToDict
from google.protobuf.message import Message

from callsheet.cards.v1 import cards_pb2, cards_pb2_grpc
from callsheet.orders.v1 import orders_pb2, orders_pb2_grpc
from callsheet.payments.v1 import payments_pb2, payments_pb2_grpc
from callsheet_kit.errors import DomainError, ErrorCode
from callsheet_kit.identity import Caller, acting_as
from callsheet_kit.paging import MAX_PAGE_SIZE
from callsheet_kit.rpc import Peers, invoke
from services.support.domain.evidence import EvidenceFile, OrderEvidence, evidence_files

SYSTEM = Caller()
R = TypeVar("R", bound=Message)

_WIDE_INTEGERS = frozenset(
    {
        FieldDescriptor.TYPE_INT64,
        FieldDescriptor.TYPE_UINT64,
        FieldDescriptor.TYPE_SINT64,
        FieldDescriptor.TYPE_FIXED64,
        FieldDescriptor.TYPE_SFIXED64,
    }
)
_JSON_SUFFIX = "_json"
# A caller-relative field of a card (what the reader may do now): it says nothing about the order.
_CARD_READER_FIELDS = ("actions",)
_LINK_FIELDS = ("downloadUrl",)


def _settled(message: Message, found: dict[str, Any]) -> dict[str, Any]:
    """``found`` (``message`` as ``MessageToDict`` gave it) with 64-bit integers as numbers and ``…_json`` parsed."""
    for field in message.DESCRIPTOR.fields:
        key = field.json_name
        if key not in found:
            continue  # an unset message field: absent, as the owner sent it
        value = getattr(message, field.name)
        repeated = field.is_repeated
        if field.type == FieldDescriptor.TYPE_STRING and field.name.endswith(_JSON_SUFFIX) and not repeated:
            del found[key]
            found[key.removesuffix("Json")] = _parsed(value)
        elif field.type in _WIDE_INTEGERS:
            found[key] = [int(item) for item in value] if repeated else int(value)
        elif field.message_type is not None and not field.message_type.full_name.startswith("google.protobuf."):
            if field.message_type.GetOptions().map_entry:
                continue  # no record support reads has a map of messages
            if repeated:
                found[key] = [_settled(item, entry) for item, entry in zip(value, found[key], strict=True)]
            else:
                found[key] = _settled(value, found[key])
    return found


def _parsed(text: str) -> Any:
    """The JSON a text field holds; null when empty, and the text itself if it is not JSON (kept as evidence)."""
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def record(message: Message, *, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    """A message as the JSON a pack keeps, without the top-level fields ``leave_out`` names."""
    found = _settled(message, MessageToDict(message, always_print_fields_with_no_presence=True))
    for key in leave_out:
        found.pop(key, None)
    return found


class GrpcEvidenceSources:
    """Gathers an order's evidence from orders, cards and payments over gRPC, as the support service."""

    def __init__(self, peers: Peers) -> None:
        self._peers = peers

    def _orders(self) -> orders_pb2_grpc.OrdersServiceStub:
        return orders_pb2_grpc.OrdersServiceStub(self._peers.channel("orders"))

    def _cards(self) -> cards_pb2_grpc.CardsServiceStub:
        return cards_pb2_grpc.CardsServiceStub(self._peers.channel("cards"))

    def _payments(self) -> payments_pb2_grpc.PaymentsServiceStub:
        return payments_pb2_grpc.PaymentsServiceStub(self._peers.channel("payments"))

    async def _call(self, method: Callable[..., Awaitable[R]], request: Message) -> R:
        with acting_as(SYSTEM):
            return await invoke(method, request, timeout=self._peers.timeout)

    async def _unless_absent(self, method: Callable[..., Awaitable[R]], request: Message) -> R | None:
        """Payments' answer, or None when it holds nothing for the order (NOT_FOUND)."""
        try:
            return await self._call(method, request)
        except DomainError as refused:
            if refused.code is ErrorCode.NOT_FOUND:
                return None
            raise

    async def gather(self, order_id: str) -> list[EvidenceFile]:
        """The files of the order's evidence pack, by path (``order/…``, ``cards/…``, ``payments/…``, README).

        An order payments holds no payment for gives files saying so; any other failure of an
        owner, UNAVAILABLE included, is raised as the ``DomainError`` it answered, for the caller
        to retry (NOT_FOUND from orders: there is no such order).
        """
        order, timeline = await self._order_and_timeline(order_id)
        policy_snapshot = order.pop("policySnapshot", None)
        payments = self._payments()
        summary = await self._unless_absent(
            payments.GetPaymentSummary, payments_pb2.GetPaymentSummaryRequest(order_id=order_id)
        )
        ledger = await self._unless_absent(
            payments.GetOrderLedger, payments_pb2.GetOrderLedgerRequest(order_id=order_id)
        )
        receipts = list(summary.receipts) if summary is not None else []
        evidence = OrderEvidence(
            order=order,
            policy_snapshot=policy_snapshot,
            timeline=timeline,
            cards=await self._cards_of(order_id),
            deliverables=await self._deliverables_of(order_id),
            payment=record(summary, leave_out=("receipts",)) if summary is not None else None,
            receipts=[record(receipt, leave_out=_LINK_FIELDS) for receipt in receipts],
            ledger=record(ledger) if ledger is not None else None,
        )
        return evidence_files(evidence)

    async def _order_and_timeline(self, order_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The order and every entry of its timeline, oldest first.

        The first page comes with the order, read in the same transaction; the rest page by page.
        """
        request = orders_pb2.GetOrderRequest(order_id=order_id, timeline_page_size=MAX_PAGE_SIZE)
        found = await self._call(self._orders().GetOrder, request)
        events = list(found.timeline.events)
        token = found.timeline.next_page_token
        while token:
            page_request = orders_pb2.ListTimelineRequest(order_id=order_id, page_size=MAX_PAGE_SIZE, page_token=token)
            page = await self._call(self._orders().ListTimeline, page_request)
            events.extend(page.events)
            token = page.next_page_token
        return record(found.order), [record(event) for event in events]

    async def _cards_of(self, order_id: str) -> list[dict[str, Any]]:
        """Every card of the order, oldest first, with its responses."""
        found = await self._call(self._cards().ListCards, cards_pb2.ListCardsRequest(order_id=order_id))
        return [record(card, leave_out=_CARD_READER_FIELDS) for card in found.cards]

    async def _deliverables_of(self, order_id: str) -> list[dict[str, Any]]:
        """The order's deliverables: id, file name, content type and NSFW flag, without their links."""
        request = cards_pb2.ListDeliverablesRequest(order_id=order_id)
        found = await self._call(self._cards().ListDeliverables, request)
        return [record(media, leave_out=_LINK_FIELDS) for media in found.media]
