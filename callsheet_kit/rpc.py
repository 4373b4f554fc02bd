"""gRPC plumbing: domain errors as rich statuses, the caller in metadata, clients with deadlines.

A ``DomainError`` raised by a servicer leaves as ``google.rpc.Status`` with an ``ErrorInfo``
(reason, domain, metadata) and, for INVALID_ARGUMENT, a ``BadRequest`` listing the fields. A
client turns such a status back into the same ``DomainError``, so errors keep their meaning
across any number of hops.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import grpc
from google.protobuf.message import Message
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from callsheet_kit.errors import ERROR_DOMAIN, DomainError, ErrorCode, FieldViolation
from callsheet_kit.identity import Caller, current_caller, reset_caller, set_caller

log = logging.getLogger(__name__)

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


class ServerCallerInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[type-arg]
    """Makes the caller current for each RPC and turns domain errors into rich statuses."""

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler[Any, Any]]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any]:
        handler = await continuation(handler_call_details)
        if handler is None or handler.unary_unary is None:
            return handler
        inner = handler.unary_unary
        caller = Caller.from_metadata(handler_call_details.invocation_metadata)  # type: ignore[arg-type]
        method = handler_call_details.method

        async def behavior(request: Message, context: grpc.aio.ServicerContext[Any, Any]) -> Message:
            token = set_caller(caller)
            try:
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


class ClientCallerInterceptor(grpc.aio.UnaryUnaryClientInterceptor):  # type: ignore[type-arg]
    """Sends the current caller, and the calling service's name, with every call."""

    def __init__(self, service: str) -> None:
        self._service = service

    async def intercept_unary_unary(self, continuation: Any, client_call_details: Any, request: Any) -> Any:
        metadata = grpc.aio.Metadata(*(client_call_details.metadata or ()))
        for key, value in current_caller().to_metadata(service=self._service):
            metadata.add(key, value)
        return await continuation(client_call_details._replace(metadata=metadata), request)


def open_channel(addr: str, *, service: str) -> grpc.aio.Channel:
    """A traced channel to a peer that carries the caller."""
    from opentelemetry.instrumentation.grpc import aio_client_interceptors

    interceptors: list[Any] = [*aio_client_interceptors(), ClientCallerInterceptor(service)]
    return grpc.aio.insecure_channel(
        addr,
        interceptors=interceptors,
        options=[("grpc.keepalive_time_ms", 30_000), ("grpc.enable_retries", 1)],
    )


async def invoke(method: Callable[..., Awaitable[R]], request: Message, *, timeout: float) -> R:
    """Calls a stub method with a deadline; a failure is raised as the ``DomainError`` it carried."""
    try:
        return await method(request, timeout=timeout)
    except grpc.aio.AioRpcError as exc:
        raise error_from_rpc(exc) from None


class Peers:
    """Lazily opened channels to the other services, by name."""

    def __init__(self, *, addr_of: Callable[[str], str], service: str, timeout: float) -> None:
        self._addr_of = addr_of
        self._service = service
        self.timeout = timeout
        self._channels: dict[str, grpc.aio.Channel] = {}

    def channel(self, peer: str) -> grpc.aio.Channel:
        """The channel to ``peer`` (e.g. "payments")."""
        if peer not in self._channels:
            self._channels[peer] = open_channel(self._addr_of(peer), service=self._service)
        return self._channels[peer]

    async def close(self) -> None:
        """Closes every channel."""
        for channel in self._channels.values():
            await channel.close(None)
        self._channels.clear()
