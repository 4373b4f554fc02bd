"""REST errors: ``{"error": {code, message, reason, violations?, currentVersion?}}`` with an HTTP status."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from callsheet_kit import errors as kit_errors
from callsheet_kit.errors import DomainError, ErrorCode, invalid_argument
from gateway.errors import HTTP_STATUS, internal_error, public_error
from gateway.metrics import note_code
from gateway.shapes import ApiModel

log = logging.getLogger(__name__)

# The envelope as /openapi.json documents it; ``error_response`` builds it from ``gateway.errors``.


class FieldViolation(ApiModel):
    """One input field that failed validation."""

    field: str
    description: str


class ErrorDetail(ApiModel):
    """What went wrong, in the contract's terms."""

    code: str
    message: str
    reason: str
    violations: list[FieldViolation] | None = None
    current_version: int | None = None


class ErrorEnvelope(ApiModel):
    """The body of every REST error."""

    error: ErrorDetail


def error_response(error: DomainError, *, status_code: int | None = None) -> JSONResponse:
    """The REST response for a domain error (its code's HTTP status unless one is given)."""
    if error.code in (ErrorCode.UNAVAILABLE, ErrorCode.INTERNAL):
        log.warning("request failed: %s", error)
    note_code(error.code.value)
    message, fields = public_error(error)
    body: dict[str, Any] = {"error": {"message": message, **fields}}
    return JSONResponse(body, status_code=status_code or HTTP_STATUS[error.code])


def _request_field(location: tuple[int | str, ...]) -> str:
    # FastAPI locates a bad value as ("body" | "query" | "path", field, ...); clients know the field.
    parts = location[1:] if location and location[0] in ("body", "query", "path", "header") else location
    printed = ""
    for part in parts:
        printed += f"[{part}]" if isinstance(part, int) else (f".{part}" if printed else str(part))
    return printed or "body"


async def _on_domain_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return error_response(exc)


async def _on_invalid_request(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    violations = [
        kit_errors.FieldViolation(_request_field(tuple(item["loc"])), str(item["msg"])) for item in exc.errors()
    ]
    return error_response(invalid_argument(*violations))


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    # What the router and FastAPI refuse themselves: no such route, a method it does not take,
    # a body it cannot read.
    assert isinstance(exc, HTTPException)
    route = f"{request.method} {request.url.path}"
    error: DomainError
    if exc.status_code == 404:
        error = DomainError(ErrorCode.NOT_FOUND, f"there is no route {route}")
    elif exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        error = DomainError(
            ErrorCode.NOT_FOUND, f"there is no route {route}; this path takes {allowed}", reason="METHOD_NOT_ALLOWED"
        )
    elif exc.status_code < 500:
        error = invalid_argument(kit_errors.FieldViolation("body", str(exc.detail)))
    else:
        error = internal_error()
    response = error_response(error, status_code=exc.status_code)
    response.headers.update(exc.headers or {})
    return response


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error in %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(internal_error())


def install_error_handlers(app: FastAPI) -> None:
    """Makes every REST failure answer with the error envelope."""
    app.add_exception_handler(DomainError, _on_domain_error)
    app.add_exception_handler(RequestValidationError, _on_invalid_request)
    app.add_exception_handler(HTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)
