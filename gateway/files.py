"""``GET /files/<key>?expires=…&signature=…``: a stored document, through a signed link that expires;
``PUT /files/<key>?expires=…&contentType=…&maxBytes=…&signature=…``: an upload through one.

The links are made by the service that owns the document (payments, for receipts) with the
secret the gateway shares (``callsheet_kit.signed_urls``); no bearer token is needed, as with
S3's presigned URLs, which stand in for these in production. A link that was altered or has
expired is 403; a key outside the store, or one not stored, is 404. An upload must carry the
content type its link was made for (415 otherwise) and no more bytes than it allows (413); it is
streamed to a temporary file and renamed into place, so a reader never sees half of it.

A download is checked against its signature alone, not against the owner's records: when support
hides media (a takedown), the owner stops making links for it, but a link it made before keeps
working until it expires (``CALLSHEET_DOWNLOAD_LINK_SECONDS``, 15 minutes by default), as an S3
presigned URL would.
"""

from __future__ import annotations

import asyncio
import mimetypes
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, JSONResponse

from callsheet_kit.errors import invalid_field, not_found, permission_denied
from callsheet_kit.signed_urls import link_holds, upload_holds
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


UPLOAD_RESPONSES: dict[int | str, dict[str, Any]] = {
    201: {"description": "Stored"},
    403: {"model": ErrorEnvelope, "description": "PERMISSION_DENIED: the link was altered or has expired"},
    413: {"model": ErrorEnvelope, "description": "INVALID_ARGUMENT: more bytes than the link allows"},
    415: {"model": ErrorEnvelope, "description": "INVALID_ARGUMENT: not the content type the link was made for"},
    "default": {"model": ErrorEnvelope, "description": "Any other failure, in the same envelope"},
}


@router.put(
    "/files/{key:path}",
    summary="Upload a file through a signed link",
    response_model=None,
    status_code=201,
    responses=UPLOAD_RESPONSES,
)
async def upload(
    request: Request,
    key: str,
    expires: int = Query(0, description="When the link stops working (Unix time)"),
    content_type: str = Query("", alias="contentType", max_length=100, description="The content type it takes"),
    max_bytes: int = Query(0, alias="maxBytes", ge=0, description="The most bytes it takes"),
    signature: str = Query("", max_length=128, description="The link's signature"),
) -> JSONResponse:
    """Stores the body under ``key``, while the link holds."""
    settings: GatewaySettings = request.app.state.settings
    now = datetime.now(UTC)
    if not upload_holds(key, expires, content_type, max_bytes, signature, secret=settings.files_secret, now=now):
        return error_response(permission_denied("the link is not valid, or has expired"))
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != content_type.lower():
        return error_response(invalid_field("Content-Type", f"must be {content_type}"), status_code=415)
    target = await asyncio.to_thread(_target, Path(settings.files_dir), key)
    if target is None:
        return error_response(not_found("file"))
    partial = target.with_name(f".{target.name}.{os.getpid()}.{id(request)}.part")
    out = await asyncio.to_thread(partial.open, "wb")
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_bytes:
                return error_response(invalid_field("body", f"must be at most {max_bytes} bytes"), status_code=413)
            await asyncio.to_thread(out.write, chunk)
        await asyncio.to_thread(out.close)
        await asyncio.to_thread(partial.replace, target)
    finally:
        await asyncio.to_thread(_discard, out, partial)
    return JSONResponse({"stored": key, "bytes": size}, status_code=201)


def _target(root: Path, key: str) -> Path | None:
    """Where an upload of ``key`` goes, inside the store (``..`` cannot leave it), its folder made."""
    base = root.resolve()
    path = (base / key).resolve()
    if not path.is_relative_to(base):
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _discard(out: Any, partial: Path) -> None:
    """Closes and removes what an upload left half written (nothing once it was renamed into place)."""
    out.close()
    partial.unlink(missing_ok=True)
