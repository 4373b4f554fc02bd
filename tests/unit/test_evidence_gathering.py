"""Support gathers an order's evidence from its owners on its own account: every record, every page
of the timeline, JSON as a pack keeps it and no signed links; an order without a payment gets files
saying so, and an owner that is down fails the gathering for the caller to retry.

The owners are in-process gRPC servers with canned answers behind the kit's credential check, so
the test also proves who support says it is when it asks."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import grpc
import pytest
import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from callsheet.cards.v1 import cards_pb2, cards_pb2_grpc
from callsheet.common.v1.money_pb2 import Money
from callsheet.orders.v1 import orders_pb2, orders_pb2_grpc
from callsheet.payments.v1 import payments_pb2, payments_pb2_grpc
from callsheet_kit.errors import DomainError, ErrorCode
from callsheet_kit.identity import Caller, current_caller
from callsheet_kit.proto import timestamp
from callsheet_kit.rpc import Peers, ServerCallerInterceptor
from services.support.adapters.evidence_sources import GrpcEvidenceSources
from services.support.domain.evidence import NO_PAYMENT_NOTE, README, build_pack, read_pack

SUPPORT_KEY = Ed25519PrivateKey.generate()
KEYRING = {"support": SUPPORT_KEY.public_key()}
ORDER_ID = "ord_1"
AT = timestamp(datetime(2026, 3, 1, 10, 0, tzinfo=UTC))
EVENTS = 130  # more than the first page that comes with the order
SIGNED_LINK = "https://files.example/signed?token=secret"
POLICY = {"version": "2026-01", "disputeWindowDays": 7, "payoutDelayDays": 2}


def usd(cents: int) -> Money:
    return Money(amount_cents=cents, currency="USD")


@dataclass
class Owners:
    """What the owners answer, and who asked them."""

    payments_fail: grpc.StatusCode | None = None
    callers: list[tuple[str, Caller]] = field(default_factory=list)
    timeline_tokens: list[str] = field(default_factory=list)

    def asked(self, method: str) -> None:
        self.callers.append((method, current_caller()))


def event(seq: int) -> orders_pb2.TimelineEvent:
    return orders_pb2.TimelineEvent(
        id=f"tev_{seq}",
        order_id=ORDER_ID,
        kind="system",
        subtype=f"step.{seq}",
        payload_json=json.dumps({"seq": seq}),
        created_at=AT,
        cursor=f"c{seq}",
    )


class Orders(orders_pb2_grpc.OrdersServiceServicer):  # type: ignore[misc]
    def __init__(self, owners: Owners) -> None:
        self.owners = owners

    async def GetOrder(self, request: orders_pb2.GetOrderRequest, context: Any) -> orders_pb2.GetOrderResponse:
        self.owners.asked("GetOrder")
        if request.order_id != ORDER_ID:
            await context.abort(grpc.StatusCode.NOT_FOUND, "order not found")
        order = orders_pb2.Order(
            id=ORDER_ID,
            state=orders_pb2.ORDER_STATE_COMPLETED,
            version=9,
            buyer_id="u_buyer_1",
            provider_id="u_provider_1",
            location_json=json.dumps({"city": "New York"}),
            price_snapshot_json=json.dumps({"total": {"amountCents": 33_000, "currency": "USD"}}),
            policy_snapshot_json=json.dumps(POLICY),
            start_utc=AT,
            end_utc=AT,
        )
        size = request.timeline_page_size
        first = [event(seq) for seq in range(min(size, EVENTS))]
        page = orders_pb2.ListTimelineResponse(events=first, next_page_token=f"after:{size}" if size < EVENTS else "")
        return orders_pb2.GetOrderResponse(order=order, timeline=page)

    async def ListTimeline(
        self, request: orders_pb2.ListTimelineRequest, context: Any
    ) -> orders_pb2.ListTimelineResponse:
        self.owners.asked("ListTimeline")
        self.owners.timeline_tokens.append(request.page_token)
        start = int(request.page_token.removeprefix("after:"))
        end = min(start + request.page_size, EVENTS)
        return orders_pb2.ListTimelineResponse(
            events=[event(seq) for seq in range(start, end)], next_page_token=f"after:{end}" if end < EVENTS else ""
        )


class Cards(cards_pb2_grpc.CardsServiceServicer):  # type: ignore[misc]
    def __init__(self, owners: Owners) -> None:
        self.owners = owners

    async def ListCards(self, request: cards_pb2.ListCardsRequest, context: Any) -> cards_pb2.ListCardsResponse:
        self.owners.asked("ListCards")
        card = cards_pb2.Card(
            id="crd_1",
            order_id=request.order_id,
            type=cards_pb2.CARD_TYPE_EXTRAS,
            state=cards_pb2.CARD_STATE_CLOSED,
            version=3,
            created_by="u_provider_1",
            payload_json=json.dumps({"items": [{"description": "second look", "quantity": 2}], "currency": "USD"}),
            responses=[
                cards_pb2.CardResponse(
                    id="rsp_1",
                    responder_user_id="u_buyer_1",
                    action=cards_pb2.CARD_ACTION_ACCEPT,
                    payload_json="{}",
                    created_at=AT,
                )
            ],
            actions=[cards_pb2.CARD_ACTION_DECLINE],
            created_at=AT,
        )
        return cards_pb2.ListCardsResponse(cards=[card])

    async def ListDeliverables(
        self, request: cards_pb2.ListDeliverablesRequest, context: Any
    ) -> cards_pb2.ListDeliverablesResponse:
        self.owners.asked("ListDeliverables")
        media = cards_pb2.Media(
            id="med_1", filename="look-1.jpg", content_type="image/jpeg", nsfw=True, download_url=SIGNED_LINK
        )
        return cards_pb2.ListDeliverablesResponse(media=[media])


class Payments(payments_pb2_grpc.PaymentsServiceServicer):  # type: ignore[misc]
    def __init__(self, owners: Owners) -> None:
        self.owners = owners

    async def _fail_if_asked_to(self, context: Any) -> None:
        if self.owners.payments_fail is not None:
            await context.abort(self.owners.payments_fail, "as the test asked")

    async def GetPaymentSummary(
        self, request: payments_pb2.GetPaymentSummaryRequest, context: Any
    ) -> payments_pb2.GetPaymentSummaryResponse:
        self.owners.asked("GetPaymentSummary")
        await self._fail_if_asked_to(context)
        payment = payments_pb2.Payment(
            id="pay_1",
            order_id=request.order_id,
            status=payments_pb2.PAYMENT_STATUS_CAPTURED,
            authorized=usd(33_000),
            captured=usd(33_000),
            refunded=usd(0),
            version=4,
        )
        receipt = payments_pb2.Receipt(
            id="rcp_1", kind="booking", total=usd(33_000), created_at=AT, download_url=SIGNED_LINK
        )
        return payments_pb2.GetPaymentSummaryResponse(payment=payment, pending_extras=usd(0), receipts=[receipt])

    async def GetOrderLedger(
        self, request: payments_pb2.GetOrderLedgerRequest, context: Any
    ) -> payments_pb2.GetOrderLedgerResponse:
        self.owners.asked("GetOrderLedger")
        await self._fail_if_asked_to(context)
        capture = payments_pb2.LedgerEntry(
            id="led_1",
            key=f"capture:{request.order_id}",
            kind="capture",
            postings=[
                payments_pb2.LedgerPosting(account="platform_cash", amount=usd(33_000)),
                payments_pb2.LedgerPosting(account="provider_payable:u_provider_1", amount=usd(-33_000)),
            ],
            created_at=AT,
        )
        balances = [
            payments_pb2.LedgerBalance(account="platform_cash", posted=usd(33_000), pending=usd(0)),
            payments_pb2.LedgerBalance(account="provider_payable:u_provider_1", posted=usd(-33_000), pending=usd(0)),
        ]
        return payments_pb2.GetOrderLedgerResponse(order_id=request.order_id, entries=[capture], balances=balances)


@pytest_asyncio.fixture(scope="module")
async def owners() -> AsyncIterator[tuple[Owners, dict[str, str]]]:
    """Orders, cards and payments, each a server that trusts only support's key."""
    state = Owners()
    servers: list[grpc.aio.Server] = []
    addresses: dict[str, str] = {}
    for name, add, servicer in (
        ("orders", orders_pb2_grpc.add_OrdersServiceServicer_to_server, Orders(state)),
        ("cards", cards_pb2_grpc.add_CardsServiceServicer_to_server, Cards(state)),
        ("payments", payments_pb2_grpc.add_PaymentsServiceServicer_to_server, Payments(state)),
    ):
        server = grpc.aio.server(interceptors=[ServerCallerInterceptor(audience=name, keyring=KEYRING)])
        add(servicer, server)
        addresses[name] = f"127.0.0.1:{server.add_insecure_port('127.0.0.1:0')}"
        await server.start()
        servers.append(server)
    yield state, addresses
    for server in servers:
        await server.stop(0)


@pytest_asyncio.fixture
async def sources(owners: tuple[Owners, dict[str, str]]) -> AsyncIterator[tuple[Owners, GrpcEvidenceSources]]:
    state, addresses = owners
    state.payments_fail = None
    state.callers.clear()
    state.timeline_tokens.clear()
    peers = Peers(addr_of=addresses.__getitem__, service="support", key=SUPPORT_KEY, timeout=5)
    yield state, GrpcEvidenceSources(peers)
    await peers.close()


def parsed(files: list[Any]) -> Iterator[tuple[str, Any]]:
    for file in files:
        if file.path != README:
            yield file.path, json.loads(file.content)


@pytest.mark.asyncio
async def test_support_gathers_every_record_of_an_order_on_its_own_account(
    sources: tuple[Owners, GrpcEvidenceSources],
) -> None:
    owners, gatherer = sources
    files = await gatherer.gather(ORDER_ID)
    found = dict(parsed(files))
    assert sorted(file.path for file in files) == [
        README,
        "cards/cards.json",
        "cards/deliverables.json",
        "order/order.json",
        "order/policy_snapshot.json",
        "order/timeline.json",
        "payments/ledger.json",
        "payments/receipts.json",
        "payments/summary.json",
    ]
    # Every call was the support service's, acting for no user.
    assert {caller for _, caller in owners.callers} == {Caller(service="support")}
    # The order: snapshots and place parsed, 64-bit integers as numbers, the policy in its own file.
    order = found["order/order.json"]
    assert order["priceSnapshot"] == {"total": {"amountCents": 33_000, "currency": "USD"}}
    assert order["location"] == {"city": "New York"} and order["version"] == 9
    assert "policySnapshot" not in order and "policySnapshotJson" not in order
    assert found["order/policy_snapshot.json"] == POLICY
    # Every page of the timeline, oldest first.
    timeline = found["order/timeline.json"]
    assert [entry["subtype"] for entry in timeline] == [f"step.{seq}" for seq in range(EVENTS)]
    assert timeline[5]["payload"] == {"seq": 5} and owners.timeline_tokens == ["after:100"]
    # Cards with their responses; what the reader could do now is not evidence.
    [card] = found["cards/cards.json"]
    assert card["payload"]["items"][0]["description"] == "second look" and "actions" not in card
    assert [(r["responderUserId"], r["action"]) for r in card["responses"]] == [("u_buyer_1", "CARD_ACTION_ACCEPT")]
    # Deliverables and receipts: metadata only, never a signed link.
    assert found["cards/deliverables.json"] == [
        {"id": "med_1", "filename": "look-1.jpg", "contentType": "image/jpeg", "nsfw": True}
    ]
    assert found["payments/receipts.json"] == [
        {"id": "rcp_1", "kind": "booking", "total": {"amountCents": 33_000, "currency": "USD"},
         "createdAt": "2026-03-01T10:00:00Z"}
    ]  # fmt: skip
    assert all(SIGNED_LINK.encode() not in file.content and b"downloadUrl" not in file.content for file in files)
    summary = found["payments/summary.json"]
    assert summary["payment"]["captured"] == {"amountCents": 33_000, "currency": "USD"} and "receipts" not in summary
    ledger = found["payments/ledger.json"]
    assert all(sum(p["amount"]["amountCents"] for p in entry["postings"]) == 0 for entry in ledger["entries"])
    # Packed, the files come back proven.
    manifest = read_pack(build_pack("case_1", ORDER_ID, datetime(2026, 3, 2, tzinfo=UTC), files))
    assert len(manifest["files"]) == len(files)


@pytest.mark.asyncio
async def test_an_order_payments_holds_no_payment_for_gets_files_saying_so(
    sources: tuple[Owners, GrpcEvidenceSources],
) -> None:
    owners, gatherer = sources
    owners.payments_fail = grpc.StatusCode.NOT_FOUND
    found = dict(parsed(await gatherer.gather(ORDER_ID)))
    assert found["payments/summary.json"] == {"note": NO_PAYMENT_NOTE, "payment": None}
    assert found["payments/receipts.json"] == []
    assert found["payments/ledger.json"]["entries"] == []
    assert len(found["order/timeline.json"]) == EVENTS


@pytest.mark.asyncio
async def test_an_owner_that_is_down_fails_the_gathering_for_the_caller_to_retry(
    sources: tuple[Owners, GrpcEvidenceSources],
) -> None:
    owners, gatherer = sources
    owners.payments_fail = grpc.StatusCode.UNAVAILABLE
    with pytest.raises(DomainError) as unavailable:
        await gatherer.gather(ORDER_ID)
    assert unavailable.value.code is ErrorCode.UNAVAILABLE


@pytest.mark.asyncio
async def test_an_order_that_orders_does_not_know_is_not_found(sources: tuple[Owners, GrpcEvidenceSources]) -> None:
    _, gatherer = sources
    with pytest.raises(DomainError) as missing:
        await gatherer.gather("ord_nowhere")
    assert missing.value.code is ErrorCode.NOT_FOUND
