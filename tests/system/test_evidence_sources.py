"""Support gathers an order's evidence from the running owners on its own account: a booking that
went through extras, proofs and completion comes back whole (timeline, cards with their responses,
deliverables, money and a balanced ledger) and packs into a zip whose manifest proves every file;
payments lets support read any order's money that way, and nobody else who could not before."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
import pytest_asyncio
from saga_tools import BUYER, PROVIDER, wait_for
from system_client import System, rpc
from test_card_scenarios import card_state, in_progress, order_of, subtypes
from test_cards import EXTRAS, create, media, respond

from callsheet.payments.v1 import payments_pb2, payments_pb2_grpc
from callsheet_kit.errors import DomainError, ErrorCode
from callsheet_kit.keys import private_key_from_text
from callsheet_kit.rpc import Peers
from services.support.adapters.evidence_sources import GrpcEvidenceSources
from services.support.domain.evidence import README, EvidenceFile, build_pack, read_pack

STRANGER = "u_buyer_2"
FILES = [
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


@pytest_asyncio.fixture
async def support(system: System) -> AsyncIterator[GrpcEvidenceSources]:
    """The evidence sources as the support service runs them: its name, its key, the stack's addresses."""
    key = private_key_from_text(system.stack.keys.private_keys["support"])
    peers = Peers(addr_of=system.stack.address, service="support", key=key, timeout=10)
    yield GrpcEvidenceSources(peers)
    await peers.close()


def completed_with_extras_and_deliverables(system: System) -> tuple[str, list[str]]:
    """An order that ran: extras accepted, proofs approved as final, completion approved. Returns
    its id and its deliverables' media ids."""
    order_id = in_progress(system)
    extras = create(system, PROVIDER, order_id, "EXTRAS", EXTRAS)
    respond(system, BUYER, extras, "ACCEPT")
    card_state(system, extras["id"], "CLOSED")
    looks = [media(system, order_id, name=f"look-{n}.jpg") for n in (1, 2)]
    proofs = create(system, PROVIDER, order_id, "PROOFS", {"media": [{"mediaId": m, "nsfw": False} for m in looks]})
    respond(system, BUYER, proofs, "APPROVE", {"mediaIds": looks, "final": True})
    complete = create(system, PROVIDER, order_id, "COMPLETE", {"note": "all delivered"})
    respond(system, BUYER, complete, "APPROVE")
    wait_for(
        lambda: order_of(system, order_id),
        lambda order: order["state"] == "COMPLETED" and (order["payment"]["payout"] or {}).get("status") == "SCHEDULED",
        what="the completion and the payout",
    )
    return order_id, looks


def contents(files: list[EvidenceFile]) -> dict[str, Any]:
    return {file.path: json.loads(file.content) for file in files if file.path != README}


@pytest.mark.asyncio
async def test_support_gathers_a_whole_order_and_packs_it_with_a_manifest_that_proves_it(
    system: System, support: GrpcEvidenceSources
) -> None:
    # The system client's helpers run their own event loops: they are called off this one.
    order_id, looks = await asyncio.to_thread(completed_with_extras_and_deliverables, system)
    files = await support.gather(order_id)
    assert sorted(file.path for file in files) == FILES
    found = contents(files)

    order = found["order/order.json"]
    assert (order["id"], order["state"]) == (order_id, "ORDER_STATE_COMPLETED")
    assert order["priceSnapshot"]["totalCents"] > 0
    assert found["order/policy_snapshot.json"] == await asyncio.to_thread(order_of_policy, system, order_id)

    # The timeline holds the order's events, as participants see them, oldest first.
    timeline = [entry["subtype"] for entry in found["order/timeline.json"]]
    seen_by_buyer = subtypes(await asyncio.to_thread(order_of, system, order_id))  # read later: it can only grow
    assert timeline == seen_by_buyer[: len(timeline)]
    for step in ("order.confirmed", "card.requested.extras", "payment.charged", "order.completed"):
        assert step in timeline, step

    # Cards come with every response, who gave it and what it said.
    cards = {card["type"]: card for card in found["cards/cards.json"]}
    assert set(cards) == {"CARD_TYPE_EXTRAS", "CARD_TYPE_PROOFS", "CARD_TYPE_COMPLETE"}
    assert cards["CARD_TYPE_EXTRAS"]["payload"] == EXTRAS
    assert [(r["responderUserId"], r["action"]) for r in cards["CARD_TYPE_EXTRAS"]["responses"]] == [
        (BUYER, "CARD_ACTION_ACCEPT")
    ]
    [approval] = cards["CARD_TYPE_PROOFS"]["responses"]
    assert approval["payload"] == {"mediaIds": looks, "final": True}

    # Deliverables: metadata only, no link that would outlive the pack's trust.
    deliverables = found["cards/deliverables.json"]
    assert sorted(item["id"] for item in deliverables) == sorted(looks)
    assert all(set(item) == {"id", "filename", "contentType", "nsfw"} for item in deliverables)
    assert not any(
        b"downloadUrl" in file.content or system.stack.gateway_url.encode() in file.content for file in files
    )

    # Money: the payment, its receipts, and a ledger whose every entry balances.
    payment = found["payments/summary.json"]["payment"]
    assert payment["orderId"] == order_id and payment["captured"]["amountCents"] > 0
    assert {"booking", "extras"} <= {receipt["kind"] for receipt in found["payments/receipts.json"]}
    ledger = found["payments/ledger.json"]
    assert {"capture", "charge"} <= {entry["kind"] for entry in ledger["entries"]}
    for entry in ledger["entries"]:
        assert sum(posting["amount"]["amountCents"] for posting in entry["postings"]) == 0, entry["key"]
    assert sum(balance["posted"]["amountCents"] for balance in ledger["balances"]) == 0

    # Packed, every file is proven; packed again from the same records, the pack is the same.
    generated_at = datetime.now(UTC)
    pack = build_pack("case_evidence", order_id, generated_at, files)
    manifest = read_pack(pack)
    assert [entry["path"] for entry in manifest["files"]] == FILES
    assert build_pack("case_evidence", order_id, generated_at, await support.gather(order_id)) == pack


def order_of_policy(system: System, order_id: str) -> Any:
    """The policy snapshot as the buyer sees it on the order."""
    query = "query($id: ID!) { order(id: $id) { policySnapshot } }"
    return system.gql(BUYER, query, {"id": order_id})["order"]["policySnapshot"]


def test_payments_lets_support_read_any_orders_money_on_its_own_account_and_no_one_else_who_could_not(
    system: System,
) -> None:
    order_id = in_progress(system)
    payments = payments_pb2_grpc.PaymentsServiceStub
    summary = payments_pb2.GetPaymentSummaryRequest(order_id=order_id)
    ledger = payments_pb2.GetOrderLedgerRequest(order_id=order_id)
    read = rpc(system, "payments", payments, "GetPaymentSummary", summary, caller="support")
    assert read.payment.order_id == order_id
    entries = rpc(system, "payments", payments, "GetOrderLedger", ledger, caller="support").entries
    assert {entry.kind for entry in entries} >= {"authorization", "capture"}
    refusals = {
        "support acting for a stranger": ("GetPaymentSummary", summary, {"caller": "support", "user": STRANGER}),
        "notify on its own account": ("GetPaymentSummary", summary, {"caller": "notify"}),
        "a stranger through the gateway": ("GetPaymentSummary", summary, {"user": STRANGER}),
        "support's ledger for a stranger": ("GetOrderLedger", ledger, {"caller": "support", "user": STRANGER}),
        "notify's ledger": ("GetOrderLedger", ledger, {"caller": "notify"}),
        "the buyer's ledger": ("GetOrderLedger", ledger, {"user": BUYER}),
    }
    codes = {}
    for case, (method, request, who) in refusals.items():
        with pytest.raises(DomainError) as refused:
            rpc(system, "payments", payments, method, request, **who)
        codes[case] = refused.value.code
    assert codes == {
        "support acting for a stranger": ErrorCode.NOT_FOUND,
        "notify on its own account": ErrorCode.NOT_FOUND,
        "a stranger through the gateway": ErrorCode.NOT_FOUND,
        "support's ledger for a stranger": ErrorCode.PERMISSION_DENIED,
        "notify's ledger": ErrorCode.PERMISSION_DENIED,
        "the buyer's ledger": ErrorCode.PERMISSION_DENIED,
    }
