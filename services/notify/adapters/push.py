"""Push notifications through Firebase Cloud Messaging's HTTP v1 API (or the dev push sink).

Speaks the protocol directly with ``httpx`` and PyJWT: a service account signs an RS256 JWT,
trades it at its ``token_uri`` for an OAuth2 access token (the JWT bearer grant), and every send is
one POST to ``/v1/projects/<project>/messages:send`` with that token.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

__all__ = [
    "FCM_SCOPE",
    "FcmPushProvider",
    "PushError",
    "PushMessage",
    "PushProvider",
    "PushRejected",
    "PushUnavailable",
    "ServiceAccount",
]

FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
_GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
_JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
_FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
_BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest"
_ASSERTION_LIFETIME = 3600  # the longest Google accepts
_REFRESH_MARGIN = 60.0  # seconds before expiry a cached access token is replaced
# Error codes that mean the registration token itself is no good: the device must be forgotten.
_DEAD_TOKEN_CODES = frozenset({"UNREGISTERED", "SENDER_ID_MISMATCH"})
_MAX_ERROR_TEXT = 300


@dataclass(frozen=True)
class PushMessage:
    """One notification for one device."""

    token: str
    """The device's FCM registration token."""
    title: str
    body: str
    data: Mapping[str, str]
    """Key/value payload for the app, e.g. ``{"orderId": ..., "eventType": ..., "link": ...}``."""
    collapse_key: str
    """E.g. the order id: a newer push about the same order replaces the older one on the device."""
    urgent: bool
    """High priority (android ``HIGH`` / ``apns-priority: 10``) rather than normal (``5``)."""


class PushError(Exception):
    """Base of the push failures."""


class PushRejected(PushError):
    """The token is dead (FCM UNREGISTERED / INVALID_ARGUMENT on the token, 404): forget the device, never retry."""

    def __init__(self, message: str, *, error_code: str | None = None) -> None:
        """``error_code`` is FCM's ``errorCode`` (``UNREGISTERED``, ``INVALID_ARGUMENT``, ...)."""
        super().__init__(message)
        self.error_code = error_code


class PushUnavailable(PushError):
    """Temporary (429, 5xx, network, timeout): retry later.

    Also raised for a failure that is not the device's fault and that a later attempt may not
    mend (FCM or the token endpoint refusing our credentials, a payload FCM refuses): the device is
    kept, and the caller's retry budget decides when to give up.
    """

    def __init__(self, message: str, *, retry_after: float | None = None, status: int | None = None) -> None:
        """``retry_after`` is the server's Retry-After in seconds, when it sent a numeric one."""
        super().__init__(message)
        self.retry_after = retry_after
        self.status = status


class PushProvider(Protocol):
    """Sends push notifications to devices."""

    async def send(self, message: PushMessage) -> str:
        """Sends; returns the provider's message name; raises PushRejected or PushUnavailable."""
        ...

    async def close(self) -> None:
        """Releases connections."""
        ...


@dataclass(frozen=True)
class ServiceAccount:
    """The fields of a Google service-account key that FCM's HTTP v1 API needs."""

    project_id: str
    client_email: str
    private_key: str = field(repr=False)  # PEM; kept out of repr so logging an account leaks nothing
    private_key_id: str
    token_uri: str

    @classmethod
    def from_file(cls, path: Path) -> ServiceAccount:
        """Reads the standard Google service-account JSON (``type: service_account``)."""
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            # The decoder's message names a position only, never the file's text.
            raise ValueError(f"{path}: not a JSON service-account file ({exc.msg} at line {exc.lineno})") from None
        if not isinstance(raw, dict):
            raise ValueError(f"{path}: a service-account file is a JSON object")
        if raw.get("type") != "service_account":
            raise ValueError(f"{path}: type is {raw.get('type')!r}, expected 'service_account'")
        values: dict[str, str] = {}
        for name in ("project_id", "client_email", "private_key", "private_key_id"):
            value = raw.get(name)
            if not isinstance(value, str) or not value:
                raise ValueError(f"{path}: {name} is missing or not a string")
            values[name] = value
        token_uri = raw.get("token_uri", _GOOGLE_TOKEN_URI)
        if not isinstance(token_uri, str) or not token_uri:
            raise ValueError(f"{path}: token_uri is not a string")
        return cls(token_uri=token_uri, **values)


@dataclass(frozen=True)
class _AccessToken:
    value: str
    refresh_at: float  # time.monotonic() after which the token is replaced


class FcmPushProvider:
    """Sends through FCM HTTP v1 with a service account's OAuth2 access token.

    The access token is fetched on first use and cached until a minute before it expires; a lock
    makes concurrent sends share one fetch. A 401 means the token was revoked or expired early: it
    is dropped, a new one fetched and the send tried once more.
    """

    def __init__(
        self,
        account: ServiceAccount,
        *,
        endpoint: str = "https://fcm.googleapis.com",
        timeout: float = 10.0,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        """``client`` is used as given and not closed by :meth:`close`; otherwise one is made here."""
        self._account = account
        self._send_url = f"{endpoint.rstrip('/')}/v1/projects/{account.project_id}/messages:send"
        self._signing_key = _load_rsa_key(account.private_key)
        self._own_client = client is None
        self._client = client if client is not None else httpx.AsyncClient(timeout=timeout)
        self._token: _AccessToken | None = None
        self._token_lock = asyncio.Lock()
        self._fetches = 0  # token fetches finished, to tell whether one ended while a send waited for the lock
        self._fetch_error: PushUnavailable | None = None  # how the last one failed, if it did

    async def send(self, message: PushMessage) -> str:
        """Sends; returns the provider's message name; raises PushRejected or PushUnavailable."""
        payload = _payload(message)
        token = await self._access_token()
        response = await self._post_message(payload, token)
        # THIRD_PARTY_AUTH_ERROR is a 401 about the APNs/web-push credentials: a new access token won't help.
        if response.status_code == 401 and _fcm_error(response)[0] != "THIRD_PARTY_AUTH_ERROR":
            self._forget(token)
            response = await self._post_message(payload, await self._access_token())
        return _message_name(response)

    async def close(self) -> None:
        """Closes the HTTP client if this provider made it."""
        if self._own_client:
            await self._client.aclose()

    async def _post_message(self, payload: dict[str, Any], token: str) -> httpx.Response:
        try:
            return await self._client.post(self._send_url, json=payload, headers={"Authorization": f"Bearer {token}"})
        except httpx.TimeoutException as exc:
            raise PushUnavailable(f"FCM did not answer in time ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise PushUnavailable(f"FCM unreachable: {type(exc).__name__}: {exc}") from exc

    async def _access_token(self) -> str:
        cached = self._token
        if cached is not None and time.monotonic() < cached.refresh_at:
            return cached.value
        fetches = self._fetches
        async with self._token_lock:
            # Another send may have fetched one while this one waited for the lock.
            cached = self._token
            if cached is not None and time.monotonic() < cached.refresh_at:
                return cached.value
            failed = self._fetch_error
            if failed is not None and self._fetches != fetches:
                # It failed while this send waited: share that answer rather than queue one more attempt
                # (N sends behind a token endpoint that times out would otherwise wait N timeouts).
                raise PushUnavailable(str(failed), retry_after=failed.retry_after, status=failed.status)
            try:
                fresh = await self._fetch_token()
            except PushUnavailable as exc:
                self._fetch_error = exc
                raise
            else:
                self._fetch_error = None
                self._token = fresh
            finally:
                self._fetches += 1
            return fresh.value

    def _forget(self, token: str) -> None:
        # Only the token that failed: if a concurrent send already replaced it, the new one is kept.
        if self._token is not None and self._token.value == token:
            self._token = None

    async def _fetch_token(self) -> _AccessToken:
        account = self._account
        now = int(time.time())
        assertion = jwt.encode(
            {
                "iss": account.client_email,
                "scope": FCM_SCOPE,
                "aud": account.token_uri,
                "iat": now,
                "exp": now + _ASSERTION_LIFETIME,
            },
            self._signing_key,
            algorithm="RS256",
            headers={"kid": account.private_key_id},
        )
        try:
            response = await self._client.post(
                account.token_uri, data={"grant_type": _JWT_BEARER, "assertion": assertion}
            )
        except httpx.TimeoutException as exc:
            raise PushUnavailable(f"token endpoint did not answer in time ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise PushUnavailable(f"token endpoint unreachable: {type(exc).__name__}: {exc}") from exc
        if response.status_code != 200:
            # The OAuth error body names the error; nothing of the assertion is echoed here.
            body = _json_object(response)
            reason = body.get("error_description") or body.get("error") or response.reason_phrase
            raise PushUnavailable(
                f"token endpoint answered {response.status_code}: {_short(str(reason))}",
                retry_after=_retry_after(response),
                status=response.status_code,
            )
        body = _json_object(response)
        value = body.get("access_token")
        expires_in = body.get("expires_in", _ASSERTION_LIFETIME)
        if not isinstance(value, str) or not value or isinstance(expires_in, bool) or not isinstance(expires_in, int):
            raise PushUnavailable("token endpoint answered 200 without a usable access_token/expires_in")
        return _AccessToken(value=value, refresh_at=time.monotonic() + expires_in - _REFRESH_MARGIN)


def _load_rsa_key(pem: str) -> RSAPrivateKey:
    # Parsed once, here, so a broken key fails at startup rather than at the first push.
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError):
        raise ValueError("the service account's private_key is not an unencrypted PEM key") from None
    if not isinstance(key, RSAPrivateKey):
        raise ValueError("the service account's private_key is not an RSA key")
    return key


def _payload(message: PushMessage) -> dict[str, Any]:
    return {
        "message": {
            "token": message.token,
            "notification": {"title": message.title, "body": message.body},
            "data": dict(message.data),
            "android": {"collapse_key": message.collapse_key, "priority": "HIGH" if message.urgent else "NORMAL"},
            "apns": {
                "headers": {"apns-collapse-id": message.collapse_key, "apns-priority": "10" if message.urgent else "5"}
            },
        }
    }


def _message_name(response: httpx.Response) -> str:
    status = response.status_code
    if status == 200:
        name = _json_object(response).get("name")
        if not isinstance(name, str) or not name:
            raise PushUnavailable("FCM answered 200 without a message name", status=status)
        return name
    error_code, text, field_violations = _fcm_error(response)
    described = f"FCM answered {status} {error_code or response.reason_phrase}: {_short(text)}"
    if error_code in _DEAD_TOKEN_CODES:
        raise PushRejected(described, error_code=error_code)
    # A bad registration token comes without field violations, or with one on message.token; one on
    # another field is our payload at fault, and forgetting the device would not mend it.
    if (
        status == 400
        and error_code == "INVALID_ARGUMENT"
        and (not field_violations or "message.token" in field_violations)
    ):
        raise PushRejected(described, error_code=error_code)
    raise PushUnavailable(described, retry_after=_retry_after(response), status=status)


def _fcm_error(response: httpx.Response) -> tuple[str | None, str, list[str]]:
    """FCM's errorCode (or the google.rpc status), its message, and the fields a BadRequest names."""
    error = _json_object(response).get("error")
    if not isinstance(error, dict):
        return None, response.reason_phrase, []
    error_code: str | None = None
    fields: list[str] = []
    details = error.get("details")
    for detail in details if isinstance(details, list) else []:
        if not isinstance(detail, dict):
            continue
        if detail.get("@type") == _FCM_ERROR_TYPE and isinstance(detail.get("errorCode"), str):
            error_code = detail["errorCode"]
        elif detail.get("@type") == _BAD_REQUEST_TYPE and isinstance(detail.get("fieldViolations"), list):
            fields.extend(str(v.get("field")) for v in detail["fieldViolations"] if isinstance(v, dict))
    if error_code is None and isinstance(error.get("status"), str):
        error_code = error["status"]
    message = error.get("message")
    return error_code, message if isinstance(message, str) else response.reason_phrase, fields


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None  # an HTTP-date: the caller's own backoff applies
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _short(text: str) -> str:
    return text if len(text) <= _MAX_ERROR_TEXT else text[: _MAX_ERROR_TEXT - 1] + "…"
