"""Development FCM: speaks Firebase Cloud Messaging's HTTP v1 API and keeps every push it accepts.

At start the sink makes an RSA key pair and writes a Google-format service-account JSON (mode
0600) whose ``token_uri`` is the sink's own ``/token``, so the real FCM adapter, given that file
and the sink's URL as its endpoint, runs unchanged against it. A tiny HTTP/1.1 server on
``127.0.0.1:<port>`` answers:

* ``POST /token`` - the OAuth2 JWT bearer grant; the assertion's RS256 signature (by the generated
  key), ``kid``, ``iss``, ``aud``, ``scope`` and ``exp`` are checked; answers a random access token
  (``expires_in`` 3600) or 400 ``{"error": "invalid_grant"}``
* ``POST /v1/projects/<project>/messages:send`` - needs a Bearer token from ``/token`` (else 401),
  checks the message's shape (else 400 ``INVALID_ARGUMENT``); a token starting with ``dead-`` gets
  404 ``UNREGISTERED``; answers ``{"name": "projects/<project>/messages/<n>"}``
* ``GET /messages`` - JSON list of ``{name, token, title, body, data, android, apns, receivedAt}``
* ``GET /messages?token=T`` - only the pushes to the registration token ``T``
* ``DELETE /messages`` - forget every push
* ``POST /outage`` with ``{"status": 503, "retryAfter": 30}`` - every send answers that FCM error
  (with a Retry-After header when ``retryAfter`` is given) until ``DELETE /outage``
* ``DELETE /tokens`` - forget every access token issued (sends with one then get 401)
* ``GET /healthz`` - liveness

Run standalone with ``python -m devstack.pushsink --port N --service-account PATH [--project P]``
or in-process with ``async with PushSink(port=0, service_account_path=path) as sink: ...``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import secrets
import signal
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from types import TracebackType
from typing import Any, TypeGuard
from urllib.parse import parse_qs, unquote

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from devstack.json_http import Answer, HttpRequest, not_allowed, serve_json

__all__ = ["FCM_SCOPE", "PushSink", "main", "write_service_account"]

FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging"

_HOST = "127.0.0.1"
_TOKEN_LIFETIME = 3600
_JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
_FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
_BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest"
_SEND_PATH = re.compile(r"^/v1/projects/([^/]+)/messages:send$")
_MESSAGE_FIELDS = frozenset(
    {"name", "token", "topic", "condition", "data", "notification", "android", "webpush", "apns", "fcm_options"}
)
# Keys FCM keeps for itself in the data payload.
_RESERVED_DATA_KEYS = frozenset({"from", "notification", "message_type"})
# The google.rpc status and the FcmError errorCode FCM sends with each HTTP status.
_ERRORS: dict[int, tuple[str, str | None]] = {
    400: ("INVALID_ARGUMENT", "INVALID_ARGUMENT"),
    401: ("UNAUTHENTICATED", "THIRD_PARTY_AUTH_ERROR"),
    403: ("PERMISSION_DENIED", "SENDER_ID_MISMATCH"),
    404: ("NOT_FOUND", "UNREGISTERED"),
    429: ("RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED"),
    500: ("INTERNAL", "INTERNAL"),
    503: ("UNAVAILABLE", "UNAVAILABLE"),
}


def _client_email(project: str) -> str:
    return f"callsheet-dev@{project}.iam.gserviceaccount.com"


def write_service_account(
    path: Path, *, token_uri: str, project: str, private_key_id: str | None = None
) -> rsa.RSAPublicKey:
    """Write a fresh Google-format service-account key to ``path`` (mode 0600); return its public key.

    The file is written beside its final name and renamed into place, so a reader never sees half
    of it, and it is never readable by others, not even for a moment.
    """
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")
    client_email = _client_email(project)
    document = {
        "type": "service_account",
        "project_id": project,
        "private_key_id": private_key_id or secrets.token_hex(20),
        "private_key": pem,
        "client_email": client_email,
        "client_id": str(secrets.randbelow(10**21)),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": f"https://www.googleapis.com/robot/v1/metadata/x509/{client_email}",
        "universe_domain": "googleapis.com",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # mkstemp: 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(document, fh, indent=2)
            fh.write("\n")
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    return key.public_key()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _fcm_error(
    status: int, message: str, *, error_code: str | None = None, fields: Sequence[tuple[str, str]] = ()
) -> dict[str, Any]:
    """An error body shaped like FCM's: google.rpc status, FcmError errorCode, BadRequest field violations."""
    rpc_status = _ERRORS.get(status, ("UNAVAILABLE" if status >= 500 else "FAILED_PRECONDITION", None))[0]
    details: list[dict[str, Any]] = []
    if error_code is not None:
        details.append({"@type": _FCM_ERROR_TYPE, "errorCode": error_code})
    if fields:
        details.append(
            {
                "@type": _BAD_REQUEST_TYPE,
                "fieldViolations": [{"field": name, "description": text} for name, text in fields],
            }
        )
    error: dict[str, Any] = {"code": status, "message": message, "status": rpc_status}
    if details:
        error["details"] = details
    return {"error": error}


class _Invalid(Exception):
    """A message FCM would refuse with 400 INVALID_ARGUMENT."""

    def __init__(self, field: str, description: str, *, token: bool = False) -> None:
        super().__init__(description)
        self.field = field
        self.description = description
        self.token = token  # the registration token at fault: FCM adds an FcmError INVALID_ARGUMENT


def _string_map(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _Invalid(where, f"Invalid value at '{where}': expected a map of strings")
    for key, item in value.items():
        if not isinstance(item, str):
            raise _Invalid(f"{where}[{key}].value", f"Invalid value at '{where}[{key}].value' (TYPE_STRING), {item!r}")
    return value


def _validate(body: Any) -> dict[str, Any]:
    """The ``message`` of a send request, checked as FCM checks it; raises ``_Invalid``."""
    if not isinstance(body, dict) or not isinstance(body.get("message"), dict):
        raise _Invalid("message", "Invalid JSON payload received. 'message' must be an object.")
    for name in body:
        if name not in ("message", "validate_only"):
            raise _Invalid(name, f'Invalid JSON payload received. Unknown name "{name}": Cannot find field.')
    message: dict[str, Any] = body["message"]
    for name in message:
        if name not in _MESSAGE_FIELDS:
            raise _Invalid(
                "message", f"Invalid JSON payload received. Unknown name \"{name}\" at 'message': Cannot find field."
            )
    token = message.get("token")
    if not isinstance(token, str) or not token.strip():
        raise _Invalid("message.token", "The registration token is not a valid FCM registration token", token=True)
    notification = message.get("notification")
    if not isinstance(notification, dict):
        raise _Invalid("message.notification", "Invalid value at 'message.notification': expected an object")
    for name in ("title", "body"):
        if not isinstance(notification.get(name), str):
            raise _Invalid(
                f"message.notification.{name}", f"Invalid value at 'message.notification.{name}' (TYPE_STRING)"
            )
    data = _string_map(message.get("data", {}), "message.data")
    for key in data:
        if key in _RESERVED_DATA_KEYS or key.startswith(("google", "gcm")):
            raise _Invalid("message.data", f"Invalid data payload key: {key}")
    android = message.get("android")
    if android is not None:
        if not isinstance(android, dict):
            raise _Invalid("message.android", "Invalid value at 'message.android': expected an object")
        if "collapse_key" in android and not isinstance(android["collapse_key"], str):
            raise _Invalid("message.android.collapse_key", "Invalid value at 'message.android.collapse_key'")
        if android.get("priority", "NORMAL") not in ("NORMAL", "HIGH"):
            raise _Invalid("message.android.priority", "Invalid value at 'message.android.priority' (TYPE_ENUM)")
    apns = message.get("apns")
    if apns is not None:
        if not isinstance(apns, dict):
            raise _Invalid("message.apns", "Invalid value at 'message.apns': expected an object")
        headers = _string_map(apns.get("headers", {}), "message.apns.headers")
        if headers.get("apns-priority", "10") not in ("5", "10"):
            raise _Invalid("message.apns.headers", "Invalid APNs priority")
    return message


class PushSink:
    """In-process dev FCM with an HTTP view of the pushes it accepted.

    Port 0 binds a free port; the bound one is :attr:`port` once started. The service-account file
    is (re)written at every start, with a new key.
    """

    def __init__(self, port: int = 0, *, service_account_path: Path, project: str = "callsheet-dev") -> None:
        """Configure (but do not start) the sink."""
        self._port = port
        self._service_account_path = service_account_path
        self._project = project
        self._messages: list[dict[str, Any]] = []
        self._sequence = 0
        self._tokens: dict[str, float] = {}  # access token -> time.monotonic() it expires at
        self._token_requests = 0
        self._outage: tuple[int, int | None] | None = None
        self._public_key: rsa.RSAPublicKey | None = None
        self._private_key_id = ""
        self._server: asyncio.Server | None = None

    @property
    def port(self) -> int:
        """HTTP port (the bound one once started)."""
        return self._port

    @property
    def url(self) -> str:
        """Base URL, the FCM endpoint to give the adapter, e.g. ``http://127.0.0.1:8026``."""
        return f"http://{_HOST}:{self._port}"

    @property
    def token_uri(self) -> str:
        """The OAuth2 token endpoint written into the service-account file."""
        return f"{self.url}/token"

    @property
    def project(self) -> str:
        """The Firebase project id the sink serves."""
        return self._project

    @property
    def service_account_path(self) -> Path:
        """Where the service-account JSON is written."""
        return self._service_account_path

    @property
    def messages(self) -> list[dict[str, Any]]:
        """A snapshot of the accepted pushes, oldest first."""
        return list(self._messages)

    @property
    def token_requests(self) -> int:
        """How many times ``POST /token`` was called, granted or not."""
        return self._token_requests

    def clear(self) -> None:
        """Forget every accepted push (names keep counting up)."""
        self._messages.clear()

    def revoke_tokens(self) -> None:
        """Forget every access token issued: sends carrying one get 401 until a new one is fetched."""
        self._tokens.clear()

    def set_outage(self, status: int, retry_after: int | None = None) -> None:
        """Make every send answer the FCM error of ``status`` (4xx/5xx) until :meth:`clear_outage`."""
        if not _outage_status(status):
            raise ValueError(f"an outage answers a known 4xx or 5xx status, not {status}")
        self._outage = (status, retry_after)

    def clear_outage(self) -> None:
        """End the outage: sends are served again."""
        self._outage = None

    async def start(self) -> None:
        """Bind on 127.0.0.1 and write the service-account file."""
        if self._server is not None:
            return
        self._server = await asyncio.start_server(self._serve_http, _HOST, self._port)
        self._port = self._server.sockets[0].getsockname()[1]
        try:
            self._private_key_id = secrets.token_hex(20)
            # Key generation takes a few tens of milliseconds: off the loop, which may serve others.
            self._public_key = await asyncio.to_thread(
                write_service_account,
                self._service_account_path,
                token_uri=self.token_uri,
                project=self._project,
                private_key_id=self._private_key_id,
            )
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        """Close the listener. Safe to call repeatedly."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
            await server.wait_closed()

    async def __aenter__(self) -> PushSink:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _serve_http(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await serve_json(reader, writer, self._route)

    async def _route(self, request: HttpRequest) -> Answer:
        method, path, body = request.method, request.path, request.body
        if path == "/healthz":
            return HTTPStatus.OK, {"status": "ok"}, {}
        if path == "/token":
            return self._grant(body) if method == "POST" else not_allowed(method)
        send = _SEND_PATH.match(path)
        if send is not None:
            if method != "POST":
                return not_allowed(method)
            return self._send(unquote(send.group(1)), request.headers.get("authorization", ""), body)
        if path == "/messages":
            if method == "GET":
                wanted = set(request.query.get("token", []))
                messages = self.messages
                if wanted:
                    messages = [m for m in messages if m["token"] in wanted]
                return HTTPStatus.OK, messages, {}
            if method == "DELETE":
                self.clear()
                return HTTPStatus.OK, {"deleted": True}, {}
            return not_allowed(method)
        if path == "/outage":
            if method == "POST":
                return self._start_outage(body)
            if method == "DELETE":
                self.clear_outage()
                return HTTPStatus.OK, {"outage": None}, {}
            return not_allowed(method)
        if path == "/tokens" and method == "DELETE":
            self.revoke_tokens()
            return HTTPStatus.OK, {"revoked": True}, {}
        return HTTPStatus.NOT_FOUND, {"error": f"no route for {path}"}, {}

    def _grant(self, body: bytes) -> tuple[HTTPStatus, Any, dict[str, str]]:
        self._token_requests += 1
        form = parse_qs(body.decode("utf-8", errors="replace"))
        grant_type = form.get("grant_type", [""])[0]
        assertion = form.get("assertion", [""])[0]
        if grant_type != _JWT_BEARER or not assertion:
            return _invalid_grant("expected grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer and an assertion")
        if self._public_key is None:
            return _invalid_grant("the sink has no key yet")
        try:
            header = jwt.get_unverified_header(assertion)
            claims = jwt.decode(
                assertion,
                self._public_key,
                algorithms=["RS256"],
                audience=self.token_uri,
                issuer=_client_email(self._project),
                options={"require": ["iss", "aud", "exp", "iat", "scope"]},
            )
        except jwt.PyJWTError as exc:
            return _invalid_grant(f"invalid JWT: {exc}")
        if header.get("kid") != self._private_key_id:
            return _invalid_grant("the assertion's kid is not this service account's private_key_id")
        if not isinstance(claims["exp"], int) or not isinstance(claims["iat"], int):
            return _invalid_grant("iat and exp must be integers")
        if claims["exp"] - claims["iat"] > _TOKEN_LIFETIME:
            return _invalid_grant("the assertion may live at most an hour")
        if FCM_SCOPE not in str(claims["scope"]).split():
            return _invalid_grant(f"scope must include {FCM_SCOPE}")
        token = f"ya29.dev-{secrets.token_urlsafe(32)}"
        self._tokens[token] = time.monotonic() + _TOKEN_LIFETIME
        return HTTPStatus.OK, {"access_token": token, "expires_in": _TOKEN_LIFETIME, "token_type": "Bearer"}, {}

    def _send(self, project: str, authorization: str, body: bytes) -> tuple[HTTPStatus, Any, dict[str, str]]:
        if self._outage is not None:
            status, retry_after = self._outage
            extra = {"Retry-After": str(retry_after)} if retry_after is not None else {}
            error_code = _ERRORS.get(status, ("", "UNAVAILABLE" if status >= 500 else None))[1]
            error = _fcm_error(status, f"Outage: every send answers {status}.", error_code=error_code)
            return HTTPStatus(status), error, extra
        scheme, _, token = authorization.partition(" ")
        expires_at = self._tokens.get(token) if scheme.lower() == "bearer" else None
        if expires_at is None or time.monotonic() >= expires_at:
            self._tokens.pop(token, None)
            # FCM's own 401 carries no FcmError: it is about the caller's credentials, not the device's.
            error = _fcm_error(
                401,
                "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie "
                "or other valid authentication credential.",
            )
            return HTTPStatus.UNAUTHORIZED, error, {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'}
        if project != self._project:
            error = _fcm_error(403, f"Permission 'cloudmessaging.messages.create' denied on resource '{project}'")
            return HTTPStatus.FORBIDDEN, error, {}
        try:
            request = json.loads(body)
        except ValueError:
            fields = [("", "Invalid JSON payload received.")]
            return HTTPStatus.BAD_REQUEST, _fcm_error(400, "Invalid JSON payload received.", fields=fields), {}
        try:
            message = _validate(request)
        except _Invalid as exc:
            error_code = "INVALID_ARGUMENT" if exc.token else None
            fields = [(exc.field, exc.description)]
            return HTTPStatus.BAD_REQUEST, _fcm_error(400, exc.description, error_code=error_code, fields=fields), {}
        if message["token"].startswith("dead-"):
            return (
                HTTPStatus.NOT_FOUND,
                _fcm_error(404, "Requested entity was not found.", error_code="UNREGISTERED"),
                {},
            )
        if request.get("validate_only") is True:
            return HTTPStatus.OK, {"name": f"projects/{self._project}/messages/fake_message_id"}, {}
        self._sequence += 1
        name = f"projects/{self._project}/messages/{self._sequence}"
        self._messages.append(
            {
                "name": name,
                "token": message["token"],
                "title": message["notification"]["title"],
                "body": message["notification"]["body"],
                "data": message.get("data", {}),
                "android": message.get("android"),
                "apns": message.get("apns"),
                "receivedAt": _now(),
            }
        )
        return HTTPStatus.OK, {"name": name}, {}

    def _start_outage(self, body: bytes) -> tuple[HTTPStatus, Any, dict[str, str]]:
        try:
            request = json.loads(body)
        except ValueError:
            request = None
        if isinstance(request, dict):
            status, retry_after = request.get("status"), request.get("retryAfter")
            if _outage_status(status) and (retry_after is None or (_is_int(retry_after) and retry_after >= 0)):
                self.set_outage(status, retry_after)
                return HTTPStatus.OK, {"outage": {"status": status, "retryAfter": retry_after}}, {}
        return (
            HTTPStatus.BAD_REQUEST,
            {"error": 'expected {"status": <4xx|5xx>, "retryAfter": <seconds, optional>}'},
            {},
        )


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _outage_status(status: Any) -> TypeGuard[int]:
    # HTTPStatus knows the status: the response line needs its phrase.
    return _is_int(status) and 400 <= status <= 599 and status in HTTPStatus._value2member_map_


def _invalid_grant(description: str) -> tuple[HTTPStatus, Any, dict[str, str]]:
    return HTTPStatus.BAD_REQUEST, {"error": "invalid_grant", "error_description": description}, {}


async def _serve_forever(port: int, service_account_path: Path, project: str) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with PushSink(port, service_account_path=service_account_path, project=project) as sink:
        print(f"pushsink http={sink.url} project={sink.project} service-account={service_account_path}", flush=True)
        await stop.wait()


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: run the sink until SIGINT/SIGTERM."""
    parser = argparse.ArgumentParser(
        prog="python -m devstack.pushsink", description="Development FCM (HTTP v1) that keeps what it receives."
    )
    parser.add_argument("--port", type=int, default=0, help="HTTP port on 127.0.0.1 (0 = any free port)")
    parser.add_argument(
        "--service-account", type=Path, required=True, help="where to write the service-account JSON (mode 0600)"
    )
    parser.add_argument("--project", default="callsheet-dev", help="the Firebase project id (default: callsheet-dev)")
    args = parser.parse_args(argv)
    asyncio.run(_serve_forever(args.port, args.service_account, args.project))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
