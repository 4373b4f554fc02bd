"""gRPC plumbing: domain errors as rich statuses, callers proven by credentials, clients with deadlines.

A ``DomainError`` raised by a servicer leaves as ``google.rpc.Status`` with an ``ErrorInfo``
(reason, domain, metadata) and, for INVALID_ARGUMENT, a ``BadRequest`` listing the fields. A
client turns such a status back into the same ``DomainError``, so errors keep their meaning
across any number of hops.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

import grpc
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from callsheet_kit.db import require_no_transaction
from callsheet_kit.errors import ERROR_DOMAIN, DomainError, ErrorCode, FieldViolation, Violations
from callsheet_kit.identity import CredentialIssuer, CredentialVerifier, current_caller, reset_caller, set_caller
from callsheet_kit.metrics import histogram, timed
from callsheet_kit.validation import text_problem

log = logging.getLogger(__name__)

_served = histogram("callsheet.rpc.server", "gRPC calls served, by full method and status code")

R = TypeVar("R", bound=Message)

_TO_GRPC: dict[ErrorCode, int] = {
    ErrorCode.UNAUTHENTICATED: code_pb2.UNAUTHENTICATED,
    ErrorCode.NOT_FOUND: code_pb2.NOT_FOUND,
    ErrorCode.PERMISSION_DENIED: code_pb2.PERMISSION_DENIED,
    ErrorCode.INVALID_ARGUMENT: code_pb2.INVALID_ARGUMENT,
    ErrorCode.FAILED_PRECONDITION: code_pb2.FAILED_PRECONDITION,
    ErrorCode.CONFLICT: code_pb2.ABORTED,
    ErrorCode.IDEMPOTENCY_MISMATCH: code_pb2.ALREADY_EXISTS,
    ErrorCode.UNAVAILABLE: code_pb2.UNAVAILABLE,
    ErrorCode.INTERNAL: code_pb2.INTERNAL,
}
_FROM_GRPC: dict[grpc.StatusCode, ErrorCode] = {
    grpc.StatusCode.UNAUTHENTICATED: ErrorCode.UNAUTHENTICATED,
    grpc.StatusCode.NOT_FOUND: ErrorCode.NOT_FOUND,
    grpc.StatusCode.PERMISSION_DENIED: ErrorCode.PERMISSION_DENIED,
    grpc.StatusCode.INVALID_ARGUMENT: ErrorCode.INVALID_ARGUMENT,
    grpc.StatusCode.FAILED_PRECONDITION: ErrorCode.FAILED_PRECONDITION,
    grpc.StatusCode.ABORTED: ErrorCode.CONFLICT,
    grpc.StatusCode.ALREADY_EXISTS: ErrorCode.IDEMPOTENCY_MISMATCH,
    grpc.StatusCode.UNAVAILABLE: ErrorCode.UNAVAILABLE,
    grpc.StatusCode.DEADLINE_EXCEEDED: ErrorCode.UNAVAILABLE,
}


def status_from_error(error: DomainError) -> status_pb2.Status:
    """The ``google.rpc.Status`` that carries a domain error."""
    status = status_pb2.Status(code=_TO_GRPC[error.code], message=error.message)
    info = error_details_pb2.ErrorInfo(reason=error.reason, domain=ERROR_DOMAIN, metadata=dict(error.metadata))
    status.details.add().Pack(info)
    if error.violations:
        bad = error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(field=v.field, description=v.description)
                for v in error.violations
            ]
        )
        status.details.add().Pack(bad)
    return status


def error_from_rpc(exc: grpc.aio.AioRpcError) -> DomainError:
    """The domain error a failed call carried, or UNAVAILABLE/INTERNAL for transport failures."""
    code = _FROM_GRPC.get(exc.code(), ErrorCode.INTERNAL)
    reason = ""
    metadata: dict[str, str] = {}
    violations: list[FieldViolation] = []
    status = rpc_status.from_call(exc)  # type: ignore[arg-type]
    if status is not None:
        for detail in status.details:
            if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                info = error_details_pb2.ErrorInfo()
                detail.Unpack(info)
                reason, metadata = info.reason, dict(info.metadata)
            elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                bad = error_details_pb2.BadRequest()
                detail.Unpack(bad)
                violations = [FieldViolation(v.field, v.description) for v in bad.field_violations]
    if reason in (ErrorCode.CONFLICT.value, ErrorCode.IDEMPOTENCY_MISMATCH.value):
        code = ErrorCode(reason)
    return DomainError(code, exc.details() or code.value, reason=reason, violations=violations, metadata=metadata)


async def abort_with_error(context: grpc.aio.ServicerContext[Any, Any], error: DomainError) -> None:
    """Ends the RPC with the rich status of ``error``."""
    status = rpc_status.to_status(status_from_error(error))
    await context.abort(status.code, status.details, status.trailing_metadata)


# Orchestrators and tools probe these without a credential; they reveal nothing about orders.
_OPEN_METHODS = (
    "/grpc.health.v1.Health/",
    "/grpc.reflection.v1alpha.ServerReflection/",
    "/grpc.reflection.v1.ServerReflection/",
)
CREDENTIAL_METADATA_KEY = "authorization"
_BEARER = "Bearer "


def _credential_in(metadata: Iterable[tuple[str, str | bytes]] | None) -> str | None:
    for key, value in metadata or ():
        if key == CREDENTIAL_METADATA_KEY and isinstance(value, str) and value.startswith(_BEARER):
            return value[len(_BEARER) :]
    return None


def _refusal(handler: grpc.RpcMethodHandler[Any, Any], error: DomainError) -> grpc.RpcMethodHandler[Any, Any]:
    """A handler of the same shape as ``handler`` that ends the call with ``error``."""

    async def refuse(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        await abort_with_error(context, error)

    codec = {"request_deserializer": handler.request_deserializer, "response_serializer": handler.response_serializer}
    if handler.request_streaming and handler.response_streaming:
        return grpc.stream_stream_rpc_method_handler(refuse, **codec)
    if handler.request_streaming:
        return grpc.stream_unary_rpc_method_handler(refuse, **codec)
    if handler.response_streaming:
        return grpc.unary_stream_rpc_method_handler(refuse, **codec)
    return grpc.unary_unary_rpc_method_handler(refuse, **codec)


# No string a service receives is longer than this; each use case bounds its own fields more tightly.
MAX_REQUEST_TEXT = 65_536


def _text_fields(message: Message, prefix: str = "") -> Iterator[tuple[str, str]]:
    for descriptor, value in message.ListFields():
        name = f"{prefix}{descriptor.name}"
        repeated = descriptor.is_repeated
        if descriptor.type == FieldDescriptor.TYPE_STRING:
            for index, text in enumerate(value if repeated else [value]):
                yield (f"{name}[{index}]" if repeated else name), text
        elif descriptor.message_type is not None and not descriptor.message_type.GetOptions().map_entry:
            for index, item in enumerate(value if repeated else [value]):
                yield from _text_fields(item, f"{name}[{index}]." if repeated else f"{name}.")


def check_request_text(request: Message) -> None:
    """Refuses a request any of whose strings holds NUL or control characters (PostgreSQL cannot
    store NUL) or is absurdly long, naming each such field: INVALID_ARGUMENT, before any use case."""
    violations = Violations()
    for field, text in _text_fields(request):
        problem = text_problem(text, max_length=MAX_REQUEST_TEXT, multiline=True)
        if problem:
            violations.add(field, problem)
    violations.raise_if_any()


class ServerCallerInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[type-arg]
    """Verifies each call's service credential, makes the caller it proves current, and turns
    domain errors into rich statuses. A call without a valid credential is UNAUTHENTICATED."""

    def __init__(self, *, audience: str, keyring: Mapping[str, Ed25519PublicKey]) -> None:
        self._verifier = CredentialVerifier(audience=audience, keyring=keyring)

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler[Any, Any]]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any]:
        handler = await continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or method.startswith(_OPEN_METHODS):
            return handler
        try:
            caller = self._verifier.caller(_credential_in(handler_call_details.invocation_metadata))  # type: ignore[arg-type]
        except DomainError as error:
            return _refusal(handler, error)
        if handler.unary_unary is None:
            # Every business RPC is unary; a stream would run without its caller, so none is served.
            return _refusal(handler, DomainError(ErrorCode.INTERNAL, "streaming RPCs cannot carry the caller yet"))
        inner = handler.unary_unary

        async def behavior(request: Message, context: grpc.aio.ServicerContext[Any, Any]) -> Message:
            token = set_caller(caller)
            try:
                check_request_text(request)
                return await inner(request, context)  # type: ignore[no-any-return, arg-type]
            except DomainError as error:
                await abort_with_error(context, error)
                raise  # unreachable: abort raises
            except grpc.aio.AbortError:
                raise
            except Exception:
                log.exception("unhandled error in %s", method)
                await context.abort(grpc.StatusCode.INTERNAL, "internal error")
                raise
            finally:
                reset_caller(token)

        return grpc.unary_unary_rpc_method_handler(
            behavior,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )


def _code_name(code: object) -> str:
    """The name of the status a call ended with (OK when none was set)."""
    if isinstance(code, grpc.StatusCode):
        return code.name
    if isinstance(code, int):
        for status in grpc.StatusCode:
            if status.value[0] == code:
                return status.name
    return grpc.StatusCode.OK.name


class ServerMetricsInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[type-arg]
    """Times every unary call served (``callsheet_rpc_server_seconds``), by full method and the
    status code it ended with; streaming calls (reflection, health watches) pass untimed."""

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler[Any, Any]]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any]:
        handler = await continuation(handler_call_details)
        if handler is None or handler.unary_unary is None:
            return handler
        inner, method = handler.unary_unary, handler_call_details.method

        async def behavior(request: Message, context: grpc.aio.ServicerContext[Any, Any]) -> Message:
            with timed(_served, method=method, code=grpc.StatusCode.OK.name) as labels:
                try:
                    answer: Message = await inner(request, context)  # type: ignore[arg-type]
                except grpc.aio.AbortError:
                    labels["code"] = _code_name(context.code())
                    raise
                except BaseException:
                    # Cancelled by the client, or a failure no interceptor turned into a status.
                    labels["code"] = grpc.StatusCode.CANCELLED.name if context.cancelled() else "UNKNOWN"
                    raise
                labels["code"] = _code_name(context.code())
                return answer

        return grpc.unary_unary_rpc_method_handler(
            behavior,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )


class ClientCredentialInterceptor(grpc.aio.UnaryUnaryClientInterceptor):  # type: ignore[type-arg]
    """Sends a credential with every call to one peer: signed by this process, naming the current user."""

    def __init__(self, issuer: CredentialIssuer, *, audience: str) -> None:
        self._issuer = issuer
        self._audience = audience

    async def intercept_unary_unary(self, continuation: Any, client_call_details: Any, request: Any) -> Any:
        metadata = grpc.aio.Metadata(*(client_call_details.metadata or ()))
        credential = self._issuer.credential(current_caller(), audience=self._audience)
        metadata.add(CREDENTIAL_METADATA_KEY, _BEARER + credential)
        return await continuation(client_call_details._replace(metadata=metadata), request)


def open_channel(addr: str, *, issuer: CredentialIssuer, audience: str) -> grpc.aio.Channel:
    """A traced channel to the peer ``audience`` whose calls carry ``issuer``'s credentials.

    ``addr`` is any gRPC target: ``host:port``, ``ipv4:127.0.0.1:5001,127.0.0.1:5002`` for
    several replicas, or ``dns:///name:port`` (a Kubernetes headless Service). Calls go round
    robin over every address the target resolves to.
    """
    from opentelemetry.instrumentation.grpc import aio_client_interceptors

    interceptors: list[Any] = [*aio_client_interceptors(), ClientCredentialInterceptor(issuer, audience=audience)]
    return grpc.aio.insecure_channel(
        addr,
        interceptors=interceptors,
        options=[
            ("grpc.keepalive_time_ms", 30_000),
            ("grpc.enable_retries", 1),
            # gRPC's default, pick_first, would send every call to the first replica the target names.
            ("grpc.service_config", '{"loadBalancingConfig": [{"round_robin": {}}]}'),
        ],
    )


async def invoke(
    method: Callable[..., Awaitable[R]], request: Message, *, timeout: float, wait_for_ready: bool = True
) -> R:
    """Calls a stub method with a deadline; a failure is raised as the ``DomainError`` it carried.

    By default a call to a peer that is reconnecting (it restarted, a replica is being replaced)
    waits for the connection within its deadline instead of failing at once; probes pass
    ``wait_for_ready=False`` to learn at once that a peer is down. Refuses
    (``CallInsideTransaction``) when the caller is inside a unit of work.
    """
    require_no_transaction(f"the RPC {getattr(method, '_method', method)!r}")
    try:
        return await method(request, timeout=timeout, wait_for_ready=wait_for_ready)
    except grpc.aio.AioRpcError as exc:
        raise error_from_rpc(exc) from None


class Peers:
    """Lazily opened channels to the other services, by name, signed as ``service`` with ``key``."""

    def __init__(self, *, addr_of: Callable[[str], str], service: str, key: Ed25519PrivateKey, timeout: float) -> None:
        self._addr_of = addr_of
        self._issuer = CredentialIssuer(service=service, key=key)
        self.timeout = timeout
        self._channels: dict[str, grpc.aio.Channel] = {}

    def channel(self, peer: str) -> grpc.aio.Channel:
        """The channel to ``peer`` (e.g. "payments")."""
        if peer not in self._channels:
            self._channels[peer] = open_channel(self._addr_of(peer), issuer=self._issuer, audience=peer)
        return self._channels[peer]

    async def close(self) -> None:
        """Closes every channel."""
        for channel in self._channels.values():
            await channel.close(None)
        self._channels.clear()
