"""Receipts as PDF documents: made right after they are issued, downloaded through signed links that expire."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlsplit
from urllib.parse import quote as escape

import httpx
from saga_tools import BUYER, PROVIDER, checkout, key, quote, wait_for
from system_client import CANCEL, CONFIRM, System

from callsheet_kit.signed_urls import signature

RECEIPTS = (
    """query($id: ID!) { order(id: $id) { payment { receipts { id kind total { amountCents } downloadUrl } } } }"""
)


def receipts(system: System, order_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = system.gql(BUYER, RECEIPTS, {"id": order_id})["order"]["payment"]["receipts"]
    return found


def test_a_booking_and_its_refund_each_get_a_pdf_behind_a_signed_link(system: System) -> None:
    order = checkout(system, quote(system)["id"], key())
    system.gql(PROVIDER, CONFIRM, {"i": {"orderId": order["id"], "expectedVersion": 1, "idempotencyKey": key()}})
    system.gql(BUYER, CANCEL, {"i": {"orderId": order["id"], "expectedVersion": 2, "idempotencyKey": key()}})
    issued = wait_for(
        lambda: receipts(system, order["id"]),
        lambda found: len(found) == 2 and all(receipt["downloadUrl"] for receipt in found),
        what="both receipts with their documents",
    )
    assert [(r["kind"], r["total"]["amountCents"]) for r in issued] == [("booking", 35_930), ("refund", 35_930)]
    for receipt in issued:
        document = httpx.get(receipt["downloadUrl"], trust_env=False)
        assert document.status_code == 200
        assert document.headers["content-type"] == "application/pdf"
        assert document.content.startswith(b"%PDF-") and b"%%EOF" in document.content[-32:]


def test_an_altered_or_expired_link_is_refused_and_nothing_outside_the_store_is_served(system: System) -> None:
    order = checkout(system, quote(system)["id"], key())
    system.gql(PROVIDER, CONFIRM, {"i": {"orderId": order["id"], "expectedVersion": 1, "idempotencyKey": key()}})
    [booking] = wait_for(
        lambda: receipts(system, order["id"]),
        lambda found: len(found) == 1 and bool(found[0]["downloadUrl"]),
        what="the booking's receipt document",
    )
    link = urlsplit(booking["downloadUrl"])
    query = {name: values[0] for name, values in parse_qs(link.query).items()}
    base = f"{link.scheme}://{link.netloc}"
    document_key = link.path.removeprefix("/files/")
    secret = system.stack.files_secret

    def get(path_key: str, expires: int, signed: str) -> int:
        return httpx.get(
            f"{base}/files/{escape(path_key, safe='/')}",
            params={"expires": expires, "signature": signed},
            trust_env=False,
        ).status_code

    assert get(document_key, int(query["expires"]), query["signature"]) == 200
    assert get(document_key, int(query["expires"]) + 3600, query["signature"]) == 403  # lives longer: altered
    other = document_key.replace(booking["id"], "rcp_someone_else")
    assert get(other, int(query["expires"]), query["signature"]) == 403  # another file: altered
    past = int(time.time()) - 1
    assert get(document_key, past, signature(document_key, past, secret)) == 403  # expired
    # A signed key that climbs out of the store (its slashes escaped, so no client tidies them away).
    outside = "..%2F..%2Fpostgres.log"
    later = int(time.time()) + 60
    response = httpx.get(
        f"{base}/files/{outside}",
        params={"expires": later, "signature": signature("../../postgres.log", later, secret)},
        trust_env=False,
    )
    assert response.status_code == 404 and response.json()["error"]["code"] == "NOT_FOUND"
