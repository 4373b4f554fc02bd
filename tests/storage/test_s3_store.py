"""The S3 document store against moto's S3 server (started here): stored privately, served by presigned links."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import boto3
import httpx
import pytest
from moto.server import ThreadedMotoServer

from callsheet_kit.storage import S3Store
from devstack.ports import free_port

BUCKET = "callsheet-documents"


@pytest.fixture(scope="module")
def endpoint(monkeypatch_module: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch_module.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch_module.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch_module.setenv("AWS_DEFAULT_REGION", "us-east-1")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    boto3.client("s3", endpoint_url=url, region_name="us-east-1").create_bucket(Bucket=BUCKET)
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_a_document_is_stored_privately_and_served_by_its_presigned_link(endpoint: str) -> None:
    store = S3Store.connect(bucket=BUCKET, link_seconds=60, endpoint_url=endpoint, region="us-east-1")
    document = b"%PDF-1.4 a receipt\n%%EOF\n"
    asyncio.run(store.put("receipts/rcp_1.pdf", document, content_type="application/pdf"))
    asyncio.run(store.put("receipts/rcp_1.pdf", document, content_type="application/pdf"))  # again: no change

    link = store.download_url("receipts/rcp_1.pdf")
    fetched = httpx.get(link, trust_env=False)
    assert fetched.status_code == 200 and fetched.content == document
    assert fetched.headers["content-type"] == "application/pdf"
    # Without the signature the object is not public.
    assert httpx.get(f"{endpoint}/{BUCKET}/receipts/rcp_1.pdf", trust_env=False).status_code == 403
    head = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").head_object(
        Bucket=BUCKET, Key="receipts/rcp_1.pdf"
    )
    assert head["ServerSideEncryption"] == "AES256"


def test_a_presigned_link_is_signed_with_version_4_and_lives_as_configured(endpoint: str) -> None:
    # moto serves a presigned link whatever its age; S3 refuses it once X-Amz-Expires has passed.
    store = S3Store.connect(bucket=BUCKET, link_seconds=900, endpoint_url=endpoint, region="us-east-1")
    asyncio.run(store.put("receipts/rcp_2.pdf", b"%PDF-1.4\n", content_type="application/pdf"))
    query = parse_qs(urlsplit(store.download_url("receipts/rcp_2.pdf")).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"] and query["X-Amz-Expires"] == ["900"]
