"""Media of an order: one uploaded file, and support's power to hide it.

A file keeps its record for good (who uploaded it, to which order, when); support may hide it
(a DMCA takedown, a policy violation) and restore it. While hidden it is served nowhere: it is no
deliverable, no download link is made for it, and no new card may name it. Hiding media already
hidden, or restoring media that is not, changes nothing, so a repeated takedown keeps the first
one's time and reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from callsheet_kit.errors import Violations
from callsheet_kit.validation import MAX_ID, check_text

# Support hides or describes at most this many files per call.
MAX_MEDIA_IDS = 100
MAX_HIDDEN_REASON = 500


@dataclass(frozen=True)
class MediaRecord:
    """A file of an order, as stored."""

    media_id: str
    order_id: str
    uploader_id: str
    filename: str
    content_type: str
    nsfw: bool
    object_key: str
    created_at: datetime
    hidden_at: datetime | None = None
    hidden_reason: str | None = None

    @property
    def hidden(self) -> bool:
        """True while support keeps the file from being served."""
        return self.hidden_at is not None

    def hide(self, *, reason: str, now: datetime) -> MediaRecord:
        """The file hidden for ``reason``; a hidden file stays as it was hidden first."""
        if self.hidden:
            return self
        return replace(self, hidden_at=now, hidden_reason=reason)

    def restore(self) -> MediaRecord:
        """The file served again; a file that is not hidden is unchanged."""
        if not self.hidden:
            return self
        return replace(self, hidden_at=None, hidden_reason=None)


def check_media_ids(violations: Violations, field_name: str, media_ids: Sequence[str]) -> list[str]:
    """1 to ``MAX_MEDIA_IDS`` media ids (``med_…``), each bad one named ``field[i]``; the ids once each, in order."""
    if not 1 <= len(media_ids) <= MAX_MEDIA_IDS:
        violations.add(field_name, f"must name 1 to {MAX_MEDIA_IDS} media")
        return []
    found: list[str] = []
    for index, media_id in enumerate(media_ids):
        at = f"{field_name}[{index}]"
        if not media_id.startswith("med_"):
            violations.add(at, "must be a media id (med_…)")
            continue
        before = len(violations)
        check_text(violations, at, media_id, max_length=MAX_ID, required=True)
        if len(violations) == before and media_id not in found:
            found.append(media_id)
    return found


def check_hidden_reason(violations: Violations, field_name: str, reason: str) -> str:
    """Why support hides or restores media: required, at most ``MAX_HIDDEN_REASON`` characters."""
    check_text(violations, field_name, reason, max_length=MAX_HIDDEN_REASON, required=True)
    return reason.strip()
