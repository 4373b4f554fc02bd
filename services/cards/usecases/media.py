"""Media of an order: upload links for participants, and the deliverables of approved proofs.

A participant asks for a link to upload one file (a proof, an expense receipt, dispute evidence);
the file is recorded with its name, content type and NSFW flag, and its id goes into card
payloads. The link is signed, expires, and takes one content type of an allow-list and at most
``MAX_BYTES``. The order's deliverables are the media a final PROOFS approval approved, each with
a signed download link, for the order's participants and staff.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from callsheet_kit.errors import Violations
from callsheet_kit.ids import new_id
from callsheet_kit.storage import ObjectStore
from callsheet_kit.validation import MAX_NAME, check_text
from services.cards.domain.card import deliverables, party_of
from services.cards.domain.model import CardState, CardType, OrderView
from services.cards.usecases.ports import CardsUnitOfWork, Command, MediaRecord

MAX_BYTES = 50 * 1024 * 1024
CONTENT_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/webp",
        "image/heic",
        "image/tiff",
        "video/mp4",
        "video/quicktime",
        "application/pdf",
    }
)
_PATHLIKE = re.compile(r"[/\\\\]")


@dataclass(frozen=True)
class CreateMediaUpload(Command):
    """A participant asks for a link to upload one file of the order."""

    order: OrderView
    filename: str
    content_type: str
    nsfw: bool


@dataclass(frozen=True)
class Upload:
    """The link, and the media it will be."""

    media_id: str
    url: str
    expires_at: datetime
    max_bytes: int


@dataclass(frozen=True)
class Deliverable:
    """A deliverable with its download link."""

    media: MediaRecord
    download_url: str


async def create_media_upload(uow: CardsUnitOfWork, command: CreateMediaUpload, *, store: ObjectStore) -> Upload:
    """Records the media and returns its upload link; INVALID_ARGUMENT names a bad name or type."""
    party_of(command.order, command.caller.user_id)  # NOT_FOUND for a stranger
    violations = Violations()
    check_text(violations, "filename", command.filename, max_length=MAX_NAME, required=True)
    violations.check(not _PATHLIKE.search(command.filename), "filename", "must be a name, not a path")
    content_type = command.content_type.strip().lower()
    violations.check(
        content_type in CONTENT_TYPES, "content_type", "must be one of " + ", ".join(sorted(CONTENT_TYPES))
    )
    violations.raise_if_any()
    media_id = new_id("med")
    key = f"media/{command.order.order_id}/{media_id}"
    media = MediaRecord(
        media_id=media_id,
        order_id=command.order.order_id,
        uploader_id=command.caller.user_id,
        filename=command.filename,
        content_type=content_type,
        nsfw=command.nsfw,
        object_key=key,
        created_at=uow.now,
    )
    await uow.add_media(media)
    url, expires = store.upload_url(key, content_type=content_type, max_bytes=MAX_BYTES)
    return Upload(media_id, url, expires, MAX_BYTES)


async def list_deliverables(uow: CardsUnitOfWork, order: OrderView, *, store: ObjectStore) -> list[Deliverable]:
    """The media the order's closed PROOFS cards approved, with download links."""
    approved: list[str] = []
    for card in await uow.cards_of(order.order_id):
        if card.type is CardType.PROOFS and card.state is CardState.CLOSED:
            approved.extend(item["mediaId"] for item in deliverables(card) if item["mediaId"] not in approved)
    known = {media.media_id: media for media in await uow.media(approved)}
    return [Deliverable(known[mid], store.download_url(known[mid].object_key)) for mid in approved if mid in known]
