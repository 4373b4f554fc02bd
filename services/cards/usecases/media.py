"""Media of an order: upload links for participants, the deliverables of approved proofs, and
support's hiding of media.

A participant asks for a link to upload one file (a proof, an expense receipt, dispute evidence);
the file is recorded with its name, content type and NSFW flag, and its id goes into card
payloads. The link is signed, expires, and takes one content type of an allow-list and at most
``MAX_BYTES``. The order's deliverables are the media a final PROOFS approval approved, each with
a signed download link, for the order's participants and staff.

Deliverables are the only place cards hands out download links (card payloads name media by id
only). Support hides media (a DMCA takedown, a policy violation) and restores it: hidden media are
left out of the deliverables, so no link is made for them while they are hidden, and no new card
may name them. A link is a signature over the object's key, checked by the gateway or S3 without
asking cards, so a link made before the media was hidden works until it expires (the store's
link lifetime, 15 minutes by default).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from callsheet_kit.errors import Violations
from callsheet_kit.idempotency import check_key
from callsheet_kit.ids import new_id
from callsheet_kit.storage import ObjectStore
from callsheet_kit.uow import transactional
from callsheet_kit.validation import MAX_NAME, check_text
from services.cards.domain.card import deliverables, party_of
from services.cards.domain.media import MediaRecord, check_hidden_reason, check_media_ids
from services.cards.domain.model import CardState, CardType, OrderView
from services.cards.usecases.access import require_support, require_support_or_staff
from services.cards.usecases.ports import CardsUnitOfWork, Command

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


async def list_deliverables(uow: CardsUnitOfWork, order_id: str, *, store: ObjectStore) -> list[Deliverable]:
    """The media the order's closed PROOFS cards approved, with download links; hidden media are left out."""
    approved: list[str] = []
    for card in await uow.cards_of(order_id):
        if card.type is CardType.PROOFS and card.state is CardState.CLOSED:
            approved.extend(item["mediaId"] for item in deliverables(card) if item["mediaId"] not in approved)
    known = {media.media_id: media for media in await uow.media(approved) if not media.hidden}
    return [Deliverable(known[mid], store.download_url(known[mid].object_key)) for mid in approved if mid in known]


@dataclass(frozen=True)
class SetMediaHidden(Command):
    """Support hides media, or restores it."""

    request_id: str
    media_ids: list[str]
    hidden: bool
    reason: str


@dataclass(frozen=True)
class DescribeMedia(Command):
    """Support asks what is known of some media."""

    media_ids: list[str]


@transactional(idempotency="cards.media-hidden")
async def set_media_hidden(uow: CardsUnitOfWork, command: SetMediaHidden) -> list[MediaRecord]:
    """Hides or restores every named file, in the order asked; INVALID_ARGUMENT names an unknown one.

    Hiding hidden media, or restoring media that is not hidden, leaves it as it was.
    """
    require_support(command.caller, action="hide or restore media")
    check_key(command.request_id)
    violations = Violations()
    media_ids = check_media_ids(violations, "media_ids", command.media_ids)
    reason = check_hidden_reason(violations, "reason", command.reason)
    violations.raise_if_any()
    found = {media.media_id: media for media in await uow.media(media_ids, lock=True)}
    for index, media_id in enumerate(command.media_ids):
        violations.check(media_id in found, f"media_ids[{index}]", "is not known media")
    violations.raise_if_any()
    changed = []
    for media_id in media_ids:
        media = found[media_id]
        after = media.hide(reason=reason, now=uow.now) if command.hidden else media.restore()
        if after is not media:
            await uow.save_media(after)
        changed.append(after)
    return changed


@transactional()
async def describe_media(uow: CardsUnitOfWork, command: DescribeMedia) -> list[MediaRecord]:
    """The known media among the ids, in the order asked (each once); unknown ids are left out."""
    require_support_or_staff(command.caller, action="describe media")
    violations = Violations()
    media_ids = check_media_ids(violations, "media_ids", command.media_ids)
    violations.raise_if_any()
    found = {media.media_id: media for media in await uow.media(media_ids)}
    return [found[media_id] for media_id in media_ids if media_id in found]
