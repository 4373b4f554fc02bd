"""REST errors: ``{"error": {code, message, reason, violations?, currentVersion?}}`` with an HTTP status."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from callsheet_kit.errors import DomainError, ErrorCode, FieldViolation, invalid_argument
from gateway.errors import HTTP_STATUS, error_fields, internal_error, public_message

log = logging.getLogger(__name__)


def error_response(error: DomainError, *, status_code: int | None = None) -> JSONResponse:
    """The REST response for a domain error (its code's HTTP status unless one is given)."""
    if error.code in (ErrorCode.UNAVAILABLE, ErrorCode.INTERNAL):
        log.warning("request failed: %s", error)
    body: dict[str, Any] = {"error": {"message": public_message(error), **error_fields(error)}}
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
    violations = [FieldViolation(_request_field(tuple(item["loc"])), str(item["msg"])) for item in exc.errors()]
    return error_response(invalid_argument(*violations))


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error in %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(internal_error())


def install_error_handlers(app: FastAPI) -> None:
    """Makes every REST failure answer with the error envelope."""
    app.add_exception_handler(DomainError, _on_domain_error)
    app.add_exception_handler(RequestValidationError, _on_invalid_request)
    app.add_exception_handler(Exception, _on_unexpected)
