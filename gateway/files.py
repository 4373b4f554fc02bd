"""``GET /files/<key>?expires=…&signature=…``: a stored document, through a signed link that expires.

The links are made by the service that owns the document (payments, for receipts) with the
secret the gateway shares (``callsheet_kit.signed_urls``); no bearer token is needed, as with
S3's presigned URLs, which stand in for these in production. A link that was altered or has
expired is 403; a key outside the store, or one not stored, is 404.
"""

from __future__ import annotations

import asyncio
import mimetypes
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, JSONResponse

from callsheet_kit.errors import not_found, permission_denied
from callsheet_kit.signed_urls import link_holds
from gateway.rest.errors import ErrorEnvelope, error_response
from gateway.settings import GatewaySettings

router = APIRouter(tags=["files"])

RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The document", "content": {"application/pdf": {}}},
    400: {"model": ErrorEnvelope, "description": "INVALID_ARGUMENT: a malformed link"},
    403: {"model": ErrorEnvelope, "description": "PERMISSION_DENIED: the link was altered or has expired"},
    404: {"model": ErrorEnvelope, "description": "NOT_FOUND: no such document"},
    "default": {"model": ErrorEnvelope, "description": "Any other failure, in the same envelope"},
}


@router.get(
    "/files/{key:path}",
    summary="Download a stored document through a signed link",
    response_model=None,
    responses=RESPONSES,
)
async def download(
    request: Request,
    key: str,
    expires: int = Query(0, description="When the link stops working (Unix time)"),
    signature: str = Query("", max_length=128, description="The link's signature"),
) -> FileResponse | JSONResponse:
    """The document, while its link holds."""
    settings: GatewaySettings = request.app.state.settings
    if not link_holds(key, expires, signature, secret=settings.files_secret, now=datetime.now(UTC)):
        return error_response(permission_denied("the link is not valid, or has expired"))
    path = await asyncio.to_thread(_stored, Path(settings.files_dir), key)
    if path is None:
        return error_response(not_found("file"))
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "private, max-age=60"})


def _stored(root: Path, key: str) -> Path | None:
    """The file stored under ``key``, if there is one inside the store (``..`` cannot leave it)."""
    base = root.resolve()
    path = (base / key).resolve()
    return path if path.is_relative_to(base) and path.is_file() else None
