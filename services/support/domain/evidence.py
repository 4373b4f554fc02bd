"""Evidence packs: everything the owning services hold about an order, in one zip a case can keep.

A support agent deciding a dispute or answering a chargeback needs the order as it was booked,
its timeline, its action cards and every response to them, its money (payment, receipts,
ledger), the metadata of its deliverables and the policy snapshot the order was sold under. A
pack holds each as a JSON file, a ``README.txt`` saying what each file is, and a
``manifest.json`` naming every other file with its SHA-256 and size, so whoever receives the
pack (an agent, the card network, a court) can tell that nothing was changed after it was made.

Packs are deterministic: the same files, case, order and time give the same bytes (entries
sorted, timestamps taken from the generation time, JSON with sorted keys), so a pack assembled
again from the same records has the same hash as the first one.

Pure: no I/O. The zip is built and read in memory.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

MANIFEST = "manifest.json"
README = "README.txt"
JSON_CONTENT_TYPE = "application/json"
TEXT_CONTENT_TYPE = "text/plain; charset=utf-8"
PACK_CONTENT_TYPE = "application/zip"

ORDER_FILE = "order/order.json"
POLICY_SNAPSHOT_FILE = "order/policy_snapshot.json"
TIMELINE_FILE = "order/timeline.json"
CARDS_FILE = "cards/cards.json"
DELIVERABLES_FILE = "cards/deliverables.json"
PAYMENT_SUMMARY_FILE = "payments/summary.json"
RECEIPTS_FILE = "payments/receipts.json"
LEDGER_FILE = "payments/ledger.json"

# What the README says of each file, so a reader outside Callsheet knows what they are holding.
FILE_DESCRIPTIONS: Mapping[str, str] = {
    ORDER_FILE: "The order as orders holds it: buyer, provider, role, slot, place, state, version and the "
    "price snapshot of the quote it was checked out from (its policy snapshot is in policy_snapshot.json).",
    POLICY_SNAPSHOT_FILE: "The policy in force at checkout, which the order keeps for its whole life: "
    "cancellation refund tiers, dispute window, reviews window and payout delay.",
    TIMELINE_FILE: "Every entry of the order's timeline, oldest first: what happened, who acted (empty when "
    "the system did) and when.",
    CARDS_FILE: "Every action card on the order, oldest first: its type, state, payload, deadlines and every "
    "response to it, with who responded and when.",
    DELIVERABLES_FILE: "The order's deliverables (the media a final proofs approval approved): id, file name, "
    "content type and NSFW flag. The files themselves and their download links are not included: a pack "
    "outlives links.",
    PAYMENT_SUMMARY_FILE: "The order's payment (authorized, captured, refunded, charged back, paid out), its "
    "extras and expenses, the provider's payout and any chargebacks; or a note that payments holds no "
    "payment for the order.",
    RECEIPTS_FILE: "The receipts issued for the order, oldest first: kind, total and when. Their PDFs stay "
    "with payments.",
    LEDGER_FILE: "The order's ledger: every entry with its postings (debits positive, credits negative, "
    "summing to zero) and the balance of every account the entries touch.",
}
_MANIFEST_DESCRIPTION = (
    "Lists every other file of the pack with its SHA-256 and its size in bytes, for the case and order the "
    "pack was made for and the time it was made. A file whose hash differs was changed after the pack was made."
)
NO_PAYMENT_NOTE = "Payments holds no payment for this order."
NO_LEDGER_NOTE = "Payments holds no ledger entries for this order."

# Zip timestamps count from 1980 and end in 2107; the generation time is clamped into that range.
_ZIP_EARLIEST = (1980, 1, 1, 0, 0, 0)
_ZIP_LATEST = (2107, 12, 31, 23, 59, 58)
# Regular file, rw-r--r--: fixed, so the bytes do not depend on who made the pack.
_FILE_MODE = 0o100644 << 16
_UNIX = 3
_COMPRESS_LEVEL = 9
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class EvidenceFile:
    """One file of a pack: where it sits in the zip (``order/timeline.json``), its type and its bytes."""

    path: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class OrderEvidence:
    """What the owning services hold about one order, as plain JSON values with camelCase keys.

    ``payment`` is None when payments holds no payment for the order (``receipts`` is then
    empty), ``ledger`` None when it holds no ledger for it.
    """

    order: Mapping[str, Any]
    policy_snapshot: Any
    timeline: Sequence[Mapping[str, Any]]
    cards: Sequence[Mapping[str, Any]]
    deliverables: Sequence[Mapping[str, Any]]
    payment: Mapping[str, Any] | None
    receipts: Sequence[Mapping[str, Any]]
    ledger: Mapping[str, Any] | None


class EvidencePackInvalid(ValueError):
    """A pack that does not hold what its manifest says; ``path`` names the file at fault."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}" if path else problem)
        self.path = path
        self.problem = problem


def json_content(value: Any) -> bytes:
    """``value`` as a pack keeps JSON: pretty, keys sorted, UTF-8, ending in a newline."""
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _json_file(path: str, value: Any) -> EvidenceFile:
    return EvidenceFile(path=path, content_type=JSON_CONTENT_TYPE, content=json_content(value))


def readme(paths: Iterable[str]) -> str:
    """The README of a pack holding ``paths``: what each file is, and how to check them."""
    lines = [
        "Callsheet evidence pack",
        "",
        "Everything Callsheet held about one order when the pack was made. Every JSON file is UTF-8, with",
        "camelCase keys, money in integer minor units (cents) and times in RFC 3339 UTC.",
        "",
    ]
    for path in sorted({*paths, MANIFEST}):
        description = _MANIFEST_DESCRIPTION if path == MANIFEST else FILE_DESCRIPTIONS.get(path, "")
        lines.append(path)
        if description:
            lines.append(f"    {description}")
        lines.append("")
    return "\n".join(lines)


def evidence_files(evidence: OrderEvidence) -> list[EvidenceFile]:
    """The files of an order's pack, sorted by path: one JSON file per record, and the README."""
    payment = evidence.payment if evidence.payment is not None else {"note": NO_PAYMENT_NOTE, "payment": None}
    ledger = evidence.ledger if evidence.ledger is not None else {"note": NO_LEDGER_NOTE, "entries": [], "balances": []}
    files = [
        _json_file(ORDER_FILE, evidence.order),
        _json_file(POLICY_SNAPSHOT_FILE, evidence.policy_snapshot),
        _json_file(TIMELINE_FILE, list(evidence.timeline)),
        _json_file(CARDS_FILE, list(evidence.cards)),
        _json_file(DELIVERABLES_FILE, list(evidence.deliverables)),
        _json_file(PAYMENT_SUMMARY_FILE, payment),
        _json_file(RECEIPTS_FILE, list(evidence.receipts)),
        _json_file(LEDGER_FILE, ledger),
    ]
    files.append(
        EvidenceFile(path=README, content_type=TEXT_CONTENT_TYPE, content=readme(f.path for f in files).encode())
    )
    return sorted(files, key=lambda found: found.path)


def rfc3339(moment: datetime) -> str:
    """An aware datetime in UTC as RFC 3339 (``2026-03-01T10:00:00Z``); a naive one is refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("the generation time of a pack must be an aware datetime")
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    utc = moment.astimezone(UTC)
    stamp = (utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second)
    return max(_ZIP_EARLIEST, min(_ZIP_LATEST, stamp))


def _check_path(path: str) -> None:
    """Refuses a path that could escape the pack or hide a file: absolute, ``..``, empty parts, backslashes."""
    parts = path.split("/")
    if (
        not path
        or "\\" in path
        or path.startswith("/")
        or any(part in ("", ".", "..") for part in parts)
        or PurePosixPath(path).as_posix() != path
        or any(ord(char) < 0x20 for char in path)
    ):
        raise ValueError(f"{path!r} is not a file path a pack can hold")
    if path == MANIFEST:
        raise ValueError(f"{MANIFEST} is written by the pack itself")


def _entry(path: str, when: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(path, date_time=when)
    info.compress_type = zipfile.ZIP_DEFLATED
    # Fixed whatever machine makes the pack: these are part of the bytes being hashed.
    info.create_system = _UNIX
    info.external_attr = _FILE_MODE
    return info


def manifest_of(case_id: str, order_id: str, generated_at: datetime, files: Sequence[EvidenceFile]) -> dict[str, Any]:
    """The manifest of a pack of ``files``: the case, the order, when, and every file's hash and size by path."""
    return {
        "caseId": case_id,
        "orderId": order_id,
        "generatedAt": rfc3339(generated_at),
        "files": [
            {
                "path": file.path,
                "sha256": hashlib.sha256(file.content).hexdigest(),
                "bytes": len(file.content),
                "contentType": file.content_type,
            }
            for file in sorted(files, key=lambda found: found.path)
        ],
    }


def build_pack(case_id: str, order_id: str, generated_at: datetime, files: Iterable[EvidenceFile]) -> bytes:
    """The zip of ``files`` with its ``manifest.json`` (first, then the files by path), DEFLATE-compressed.

    The same arguments always give the same bytes. A path that is not a plain relative file
    path, a path given twice, a file that is also a folder of another, or one named
    ``manifest.json`` is refused (ValueError).
    """
    ordered = sorted(files, key=lambda found: found.path)
    seen: set[str] = set()
    for file in ordered:
        _check_path(file.path)
        if file.path in seen:
            raise ValueError(f"{file.path!r} is given twice")
        seen.add(file.path)
    # Unpacked, a file cannot also be the folder of another one.
    folders = {path.rsplit("/", depth)[0] for path in seen for depth in range(1, path.count("/") + 1)}
    if clash := sorted(seen & folders):
        raise ValueError(f"{clash[0]!r} is both a file and a folder of the pack")
    manifest = manifest_of(case_id, order_id, generated_at, ordered)
    when = _zip_time(generated_at)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=_COMPRESS_LEVEL) as archive:
        archive.writestr(_entry(MANIFEST, when), json_content(manifest), compresslevel=_COMPRESS_LEVEL)
        for file in ordered:
            archive.writestr(_entry(file.path, when), file.content, compresslevel=_COMPRESS_LEVEL)
    return buffer.getvalue()


def _listed_files(manifest: Any) -> dict[str, Mapping[str, Any]]:
    """The manifest's files by path, once its shape was checked."""
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        raise EvidencePackInvalid(MANIFEST, "is not a manifest: it lists no files")
    listed: dict[str, Mapping[str, Any]] = {}
    for index, entry in enumerate(manifest["files"]):
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("path"), str)
            and isinstance(entry.get("sha256"), str)
            and _SHA256.match(entry["sha256"])
            and isinstance(entry.get("bytes"), int)
            and not isinstance(entry["bytes"], bool)
            and entry["bytes"] >= 0
            and isinstance(entry.get("contentType"), str)
        ):
            raise EvidencePackInvalid(MANIFEST, f"files[{index}] needs a path, a sha256, a size and a content type")
        if entry["path"] in listed:
            raise EvidencePackInvalid(entry["path"], "is listed twice in the manifest")
        listed[entry["path"]] = entry
    return listed


def read_pack(data: bytes) -> dict[str, Any]:
    """The manifest of a pack, once every file was found to be exactly what it lists.

    Raises ``EvidencePackInvalid`` naming the file when a file's SHA-256 or size differs from
    the manifest, a listed file is missing, a file is not listed, or a file cannot be read.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise EvidencePackInvalid("", "the pack is not a zip file") from None
    with archive:
        names: set[str] = set()
        for info in archive.infolist():
            if info.filename in names:
                raise EvidencePackInvalid(info.filename, "is in the pack more than once")
            names.add(info.filename)
        if MANIFEST not in names:
            raise EvidencePackInvalid(MANIFEST, "is missing: the pack has no manifest")
        try:
            manifest = json.loads(_read(archive, MANIFEST))
        except ValueError:
            raise EvidencePackInvalid(MANIFEST, "is not JSON") from None
        listed = _listed_files(manifest)
        for name in sorted(names):
            if name != MANIFEST and name not in listed:
                raise EvidencePackInvalid(name, "is in the pack but not in its manifest")
        for path, entry in sorted(listed.items()):
            if path not in names:
                raise EvidencePackInvalid(path, "is listed in the manifest but missing from the pack")
            # The size is checked before the file is inflated, so a forged entry cannot make it huge.
            if archive.getinfo(path).file_size != entry["bytes"]:
                raise EvidencePackInvalid(path, f"is not {entry['bytes']} bytes as the manifest says")
            content = _read(archive, path)
            if len(content) != entry["bytes"]:
                raise EvidencePackInvalid(path, f"is not {entry['bytes']} bytes as the manifest says")
            if hashlib.sha256(content).hexdigest() != entry["sha256"]:
                raise EvidencePackInvalid(path, "does not have the SHA-256 the manifest says: it was changed")
    return dict(manifest)


def _read(archive: zipfile.ZipFile, path: str) -> bytes:
    try:
        return archive.read(path)
    except (zipfile.BadZipFile, zlib.error, EOFError) as damaged:
        raise EvidencePackInvalid(path, f"cannot be read: {damaged}") from None
