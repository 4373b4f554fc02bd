"""Notify's FCM HTTP v1 adapter against the dev push sink, no mocks: what arrives is what was sent,
one access token serves many sends, a revoked token is replaced once, and FCM's answers become
PushRejected (forget the device) or PushUnavailable (retry later) as they should."""

from __future__ import annotations

import asyncio
import json
import stat
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
import pytest_asyncio
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from devstack.ports import free_port
from devstack.pushsink import FCM_SCOPE, PushSink
from services.notify.adapters.push import (
    FcmPushProvider,
    PushMessage,
    PushRejected,
    PushUnavailable,
    ServiceAccount,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


def push(
    token: str = "device-1", *, urgent: bool = True, order: str = "ORD-1", extra: dict[str, str] | None = None
) -> PushMessage:
    return PushMessage(
        token=token,
        title="Order confirmed",
        body="Your shoot on 3 May is booked — ça marche",
        data={"orderId": order, "eventType": "order.confirmed", "link": f"callsheet://orders/{order}", **(extra or {})},
        collapse_key=order,
        urgent=urgent,
    )


@pytest_asyncio.fixture
async def sink(tmp_path: Path) -> AsyncIterator[PushSink]:
    async with PushSink(port=0, service_account_path=tmp_path / "fcm" / "service-account.json") as running:
        yield running


@pytest_asyncio.fixture
async def provider(sink: PushSink) -> AsyncIterator[FcmPushProvider]:
    fcm = FcmPushProvider(ServiceAccount.from_file(sink.service_account_path), endpoint=sink.url)
    yield fcm
    await fcm.close()


@pytest_asyncio.fixture
async def http(sink: PushSink) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=sink.url, trust_env=False) as client:
        yield client


@pytest.mark.asyncio
async def test_a_push_arrives_with_its_shape_and_its_name_is_returned(
    sink: PushSink, provider: FcmPushProvider, http: httpx.AsyncClient
) -> None:
    first = await provider.send(push("device-1", urgent=True))
    second = await provider.send(push("device-2", urgent=False, order="ORD-2"))
    assert first == "projects/callsheet-dev/messages/1"
    assert second == "projects/callsheet-dev/messages/2"

    urgent, normal = sink.messages
    assert urgent["name"] == first
    assert urgent["token"] == "device-1"
    assert urgent["title"] == "Order confirmed"
    assert urgent["body"] == "Your shoot on 3 May is booked — ça marche"
    assert urgent["data"] == {"orderId": "ORD-1", "eventType": "order.confirmed", "link": "callsheet://orders/ORD-1"}
    assert urgent["android"] == {"collapse_key": "ORD-1", "priority": "HIGH"}
    assert urgent["apns"] == {"headers": {"apns-collapse-id": "ORD-1", "apns-priority": "10"}}
    assert urgent["receivedAt"].endswith("Z")
    assert normal["android"] == {"collapse_key": "ORD-2", "priority": "NORMAL"}
    assert normal["apns"] == {"headers": {"apns-collapse-id": "ORD-2", "apns-priority": "5"}}

    # Read like a mailbox, over HTTP.
    assert (await http.get("/healthz")).json() == {"status": "ok"}
    assert [m["name"] for m in (await http.get("/messages")).json()] == [first, second]
    only = (await http.get("/messages", params={"token": "device-2"})).json()
    assert [m["name"] for m in only] == [second]
    assert (await http.delete("/messages")).status_code == 200
    assert (await http.get("/messages")).json() == []
    # Names are never reused after a clear.
    assert await provider.send(push()) == "projects/callsheet-dev/messages/3"


@pytest.mark.asyncio
async def test_one_access_token_serves_many_sends_even_concurrent_ones(
    sink: PushSink, provider: FcmPushProvider
) -> None:
    names = await asyncio.gather(*(provider.send(push(f"device-{n}")) for n in range(20)))
    for n in range(5):
        names.append(await provider.send(push(f"later-{n}")))
    assert len(set(names)) == 25
    assert len(sink.messages) == 25
    assert sink.token_requests == 1


@pytest.mark.asyncio
async def test_a_revoked_access_token_is_replaced_once_and_the_send_succeeds(
    sink: PushSink, provider: FcmPushProvider, http: httpx.AsyncClient
) -> None:
    await provider.send(push("before"))
    assert sink.token_requests == 1

    sink.revoke_tokens()  # FCM now answers 401 to the cached token
    assert await provider.send(push("after")) == "projects/callsheet-dev/messages/2"
    assert sink.token_requests == 2

    # Many sends hitting the 401 at once still fetch one new token between them.
    assert (await http.delete("/tokens")).status_code == 200
    await asyncio.gather(*(provider.send(push(f"burst-{n}")) for n in range(10)))
    assert sink.token_requests == 3
    assert len(sink.messages) == 12


@pytest.mark.asyncio
async def test_a_401_after_a_fresh_token_is_not_retried_again(sink: PushSink, tmp_path: Path) -> None:
    # Tokens from another sink's /token are valid there and unknown here: every send gets 401.
    async with PushSink(port=0, service_account_path=tmp_path / "other.json") as other:
        fcm = FcmPushProvider(ServiceAccount.from_file(other.service_account_path), endpoint=sink.url)
        try:
            with pytest.raises(PushUnavailable, match="401") as caught:
                await fcm.send(push())
        finally:
            await fcm.close()
        assert other.token_requests == 2  # the first token, and the one retry
    assert caught.value.status == 401
    assert "ya29." not in str(caught.value)  # the access token is never in an error
    assert sink.messages == []


@pytest.mark.asyncio
async def test_a_dead_or_invalid_registration_token_is_rejected(sink: PushSink, provider: FcmPushProvider) -> None:
    with pytest.raises(PushRejected, match="UNREGISTERED") as dead:
        await provider.send(push("dead-phone-7"))
    assert dead.value.error_code == "UNREGISTERED"
    with pytest.raises(PushRejected) as empty:
        await provider.send(push(""))
    assert empty.value.error_code == "INVALID_ARGUMENT"
    assert sink.messages == []


@pytest.mark.asyncio
async def test_a_payload_fcm_refuses_keeps_the_device(sink: PushSink, provider: FcmPushProvider) -> None:
    # "from" is reserved in FCM's data: the message is at fault, not the device's token.
    with pytest.raises(PushUnavailable, match="Invalid data payload key: from") as caught:
        await provider.send(push(extra={"from": "callsheet"}))
    assert caught.value.status == 400
    assert sink.messages == []


@pytest.mark.asyncio
async def test_an_outage_is_unavailable_with_retry_after_until_it_ends(
    sink: PushSink, provider: FcmPushProvider, http: httpx.AsyncClient
) -> None:
    assert (await http.post("/outage", json={"status": 503, "retryAfter": 30})).status_code == 200
    with pytest.raises(PushUnavailable, match="503 UNAVAILABLE") as caught:
        await provider.send(push())
    assert caught.value.retry_after == 30.0
    assert caught.value.status == 503

    sink.set_outage(429)  # no Retry-After: the caller's own backoff applies
    with pytest.raises(PushUnavailable, match="QUOTA_EXCEEDED") as quota:
        await provider.send(push())
    assert quota.value.retry_after is None

    assert (await http.post("/outage", json={"status": 200})).status_code == 400
    assert (await http.delete("/outage")).status_code == 200
    assert await provider.send(push()) == "projects/callsheet-dev/messages/1"


@pytest.mark.asyncio
async def test_network_failures_are_unavailable(sink: PushSink, tmp_path: Path) -> None:
    account = ServiceAccount.from_file(sink.service_account_path)
    closed = f"http://127.0.0.1:{free_port()}"

    fcm = FcmPushProvider(account, endpoint=closed)  # tokens from the sink, FCM gone
    try:
        with pytest.raises(PushUnavailable, match="FCM unreachable"):
            await fcm.send(push())
    finally:
        await fcm.close()

    fcm = FcmPushProvider(replace(account, token_uri=f"{closed}/token"), endpoint=sink.url)
    try:
        with pytest.raises(PushUnavailable, match="token endpoint unreachable"):
            await fcm.send(push())
    finally:
        await fcm.close()

    done = asyncio.Event()
    connections = 0

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await done.wait()  # reads nothing, answers nothing
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    silent_url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    fcm = FcmPushProvider(account, endpoint=silent_url, timeout=0.2)
    try:
        started = time.monotonic()
        with pytest.raises(PushUnavailable, match="FCM did not answer in time"):
            await fcm.send(push())
        assert time.monotonic() - started < 3
    finally:
        await fcm.close()

    # Sends queued behind a token fetch that times out share its failure: one attempt, one timeout.
    connections = 0
    fcm = FcmPushProvider(replace(account, token_uri=f"{silent_url}/token"), endpoint=sink.url, timeout=0.3)
    try:
        started = time.monotonic()
        outcomes = await asyncio.gather(*(fcm.send(push()) for _ in range(5)), return_exceptions=True)
        assert all(isinstance(o, PushUnavailable) and "token endpoint did not answer" in str(o) for o in outcomes)
        assert connections == 1
        assert time.monotonic() - started < 1.2
    finally:
        await fcm.close()
        done.set()
        server.close()
        await server.wait_closed()


def _assertion(key: rsa.RSAPrivateKey, account: ServiceAccount, **overrides: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": account.client_email,
        "scope": FCM_SCOPE,
        "aud": account.token_uri,
        "iat": now,
        "exp": now + 3600,
        **overrides,
    }
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": account.private_key_id})


@pytest.mark.asyncio
async def test_the_sink_grants_only_assertions_signed_by_its_key(sink: PushSink, http: httpx.AsyncClient) -> None:
    account = ServiceAccount.from_file(sink.service_account_path)
    own_key = serialization.load_pem_private_key(account.private_key.encode(), password=None)
    assert isinstance(own_key, rsa.RSAPrivateKey)
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    grant = "urn:ietf:params:oauth:grant-type:jwt-bearer"

    granted = await http.post("/token", data={"grant_type": grant, "assertion": _assertion(own_key, account)})
    assert granted.status_code == 200
    body = granted.json()
    assert body["expires_in"] == 3600 and body["token_type"] == "Bearer" and body["access_token"]

    now = int(time.time())
    refused = [
        _assertion(other_key, account),
        _assertion(own_key, account, aud="https://oauth2.googleapis.com/token"),
        _assertion(own_key, account, iss="someone@else.iam.gserviceaccount.com"),
        _assertion(own_key, account, scope="https://www.googleapis.com/auth/cloud-platform"),
        _assertion(own_key, account, iat=now - 7200, exp=now - 3600),
        _assertion(own_key, account, exp=now + 86400),
        "not-a-jwt",
    ]
    for assertion in refused:
        response = await http.post("/token", data={"grant_type": grant, "assertion": assertion})
        assert response.status_code == 400, assertion
        assert response.json()["error"] == "invalid_grant"
    wrong_grant = await http.post("/token", data={"grant_type": "client_credentials", "assertion": "x"})
    assert wrong_grant.json()["error"] == "invalid_grant"
    assert sink.token_requests == 2 + len(refused)

    # Without a token it issued, a send is refused the way FCM refuses it.
    url = f"/v1/projects/{sink.project}/messages:send"
    message = {"message": {"token": "device-1", "notification": {"title": "t", "body": "b"}}}
    for headers in ({}, {"Authorization": "Bearer ya29.made-up"}):
        response = await http.post(url, json=message, headers=headers)
        assert response.status_code == 401
        assert response.json()["error"]["status"] == "UNAUTHENTICATED"
    token = body["access_token"]
    bad = {"message": {"token": "device-1", "notification": {"title": "t", "body": "b"}, "data": {"n": 1}}}
    response = await http.post(url, json=bad, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400 and response.json()["error"]["status"] == "INVALID_ARGUMENT"
    response = await http.post(url, json=message, headers={"Authorization": f"Bearer {token}"})
    assert response.json() == {"name": "projects/callsheet-dev/messages/1"}


@pytest.mark.asyncio
async def test_an_account_with_a_foreign_key_is_refused_without_leaking_it(sink: PushSink) -> None:
    account = ServiceAccount.from_file(sink.service_account_path)
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = other_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    fcm = FcmPushProvider(replace(account, private_key=pem), endpoint=sink.url)
    try:
        with pytest.raises(PushUnavailable, match="token endpoint answered 400") as caught:
            await fcm.send(push())
    finally:
        await fcm.close()
    text = str(caught.value)
    assert "PRIVATE KEY" not in text and "ya29." not in text
    assert sink.messages == []


@pytest.mark.asyncio
async def test_the_service_account_file_is_private_and_loads(sink: PushSink, tmp_path: Path) -> None:
    path = sink.service_account_path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    raw = json.loads(path.read_text())
    assert raw["type"] == "service_account"
    assert raw["token_uri"] == f"{sink.url}/token"
    assert raw["client_email"] == "callsheet-dev@callsheet-dev.iam.gserviceaccount.com"

    account = ServiceAccount.from_file(path)
    assert account.project_id == "callsheet-dev"
    assert account.client_email == raw["client_email"]
    assert account.private_key_id == raw["private_key_id"]
    assert account.private_key.startswith("-----BEGIN PRIVATE KEY-----")
    assert account.token_uri == sink.token_uri
    assert "PRIVATE KEY" not in repr(account)

    not_an_account = tmp_path / "user.json"
    not_an_account.write_text(json.dumps({**raw, "type": "authorized_user"}))
    with pytest.raises(ValueError, match="service_account"):
        ServiceAccount.from_file(not_an_account)
    missing = tmp_path / "missing.json"
    missing.write_text(json.dumps({k: v for k, v in raw.items() if k != "private_key"}))
    with pytest.raises(ValueError, match="private_key is missing"):
        ServiceAccount.from_file(missing)


@pytest.mark.asyncio
async def test_the_pushsink_cli_serves_until_sigterm(tmp_path: Path) -> None:
    account_path = tmp_path / "sa.json"
    proc = await asyncio.create_subprocess_exec(
        *[sys.executable, "-m", "devstack.pushsink", "--port", "0", "--service-account", str(account_path)],
        *["--project", "cli-project"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        banner = (await asyncio.wait_for(proc.stdout.readline(), timeout=30)).decode().strip()
        assert banner.startswith("pushsink http=http://127.0.0.1:"), banner
        url = banner.split()[1].removeprefix("http=")
        async with httpx.AsyncClient(trust_env=False) as client:
            assert (await client.get(f"{url}/healthz")).json() == {"status": "ok"}
        account = ServiceAccount.from_file(account_path)
        assert account.project_id == "cli-project" and account.token_uri == f"{url}/token"
        fcm = FcmPushProvider(account, endpoint=url)
        try:
            assert await fcm.send(push()) == "projects/cli-project/messages/1"
        finally:
            await fcm.close()
        proc.terminate()
        assert await asyncio.wait_for(proc.wait(), timeout=10) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
