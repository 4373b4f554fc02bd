"""Evidence packs are zips whose manifest proves every file: the same records make the same bytes,
and a pack whose files were changed, removed or added is refused naming the file."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.support.domain.evidence import (
    CARDS_FILE,
    DELIVERABLES_FILE,
    FILE_DESCRIPTIONS,
    LEDGER_FILE,
    MANIFEST,
    NO_PAYMENT_NOTE,
    PAYMENT_SUMMARY_FILE,
    README,
    RECEIPTS_FILE,
    TIMELINE_FILE,
    EvidenceFile,
    EvidencePackInvalid,
    OrderEvidence,
    build_pack,
    evidence_files,
    read_pack,
)

GENERATED_AT = datetime(2026, 3, 1, 10, 30, 15, tzinfo=UTC)
CASE, ORDER = "case_1", "ord_1"


def json_file(path: str, value: Any) -> EvidenceFile:
    return EvidenceFile(path=path, content_type="application/json", content=json.dumps(value).encode())


FILES = [
    json_file("order/timeline.json", [{"subtype": "order.confirmed"}]),
    json_file("order/order.json", {"id": ORDER}),
    EvidenceFile(path="notes/a note.txt", content_type="text/plain", content="délai dépassé\n".encode()),
    EvidenceFile(path="empty.bin", content_type="application/octet-stream", content=b""),
]


def rebuilt(pack: bytes, change: dict[str, bytes | None], add: dict[str, bytes] | None = None) -> bytes:
    """The pack copied entry by entry with the manifest kept as it was: ``change`` replaces (or, with
    None, drops) entries, ``add`` appends new ones, as a forger would."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(pack)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = change.get(info.filename, source.read(info.filename))
            if content is not None:
                target.writestr(info, content)
        for path, content in (add or {}).items():
            target.writestr(path, content)
    return out.getvalue()


def entries(pack: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(pack)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_a_pack_holds_every_file_and_a_manifest_that_proves_each_one() -> None:
    pack = build_pack(CASE, ORDER, GENERATED_AT, FILES)
    manifest = read_pack(pack)
    assert (manifest["caseId"], manifest["orderId"], manifest["generatedAt"]) == (CASE, ORDER, "2026-03-01T10:30:15Z")
    assert [entry["path"] for entry in manifest["files"]] == sorted(file.path for file in FILES)
    inside = entries(pack)
    assert set(inside) == {MANIFEST, *(file.path for file in FILES)}
    for file in FILES:
        [entry] = [entry for entry in manifest["files"] if entry["path"] == file.path]
        assert inside[file.path] == file.content
        assert entry == {
            "path": file.path,
            "sha256": hashlib.sha256(inside[file.path]).hexdigest(),
            "bytes": len(file.content),
            "contentType": file.content_type,
        }
    assert json.loads(inside[MANIFEST]) == manifest


def test_the_zip_is_deflated_with_the_manifest_first_then_the_files_by_path_all_stamped_with_the_generation_time() -> (
    None
):
    with zipfile.ZipFile(io.BytesIO(build_pack(CASE, ORDER, GENERATED_AT, FILES))) as archive:
        infos = archive.infolist()
    assert [info.filename for info in infos] == [MANIFEST, *sorted(file.path for file in FILES)]
    assert {info.compress_type for info in infos} == {zipfile.ZIP_DEFLATED}
    assert {info.date_time for info in infos} == {(2026, 3, 1, 10, 30, 14)}  # zip keeps even seconds


def test_the_same_records_make_the_same_bytes_whatever_their_order_or_the_time_zone_given() -> None:
    first = build_pack(CASE, ORDER, GENERATED_AT, FILES)
    paris = GENERATED_AT.astimezone(timezone(timedelta(hours=1)))
    again = build_pack(CASE, ORDER, paris, list(reversed(FILES)))
    assert hashlib.sha256(first).digest() == hashlib.sha256(again).digest()
    assert build_pack(CASE, ORDER, GENERATED_AT + timedelta(seconds=2), FILES) != first


def test_a_changed_file_is_refused_naming_it() -> None:
    pack = build_pack(CASE, ORDER, GENERATED_AT, FILES)
    forged = rebuilt(pack, {"order/order.json": json.dumps({"id": "ord_2"}).encode()})
    with pytest.raises(EvidencePackInvalid) as refused:
        read_pack(forged)
    assert refused.value.path == "order/order.json"
    assert "order/order.json" in str(refused.value) and "SHA-256" in str(refused.value)


def test_a_file_of_another_size_is_refused_naming_it() -> None:
    pack = build_pack(CASE, ORDER, GENERATED_AT, FILES)
    with pytest.raises(EvidencePackInvalid) as refused:
        read_pack(rebuilt(pack, {"empty.bin": b"now it holds something"}))
    assert refused.value.path == "empty.bin" and "bytes" in refused.value.problem


def test_a_missing_file_and_an_unlisted_file_are_refused_naming_them() -> None:
    pack = build_pack(CASE, ORDER, GENERATED_AT, FILES)
    with pytest.raises(EvidencePackInvalid) as missing:
        read_pack(rebuilt(pack, {"order/timeline.json": None}))
    assert missing.value.path == "order/timeline.json" and "missing" in missing.value.problem
    with pytest.raises(EvidencePackInvalid) as extra:
        read_pack(rebuilt(pack, {}, add={"cards/planted.json": b"{}"}))
    assert extra.value.path == "cards/planted.json" and "not in its manifest" in extra.value.problem


def test_a_manifest_edited_to_hide_a_change_must_still_match_every_file() -> None:
    pack = build_pack(CASE, ORDER, GENERATED_AT, FILES)
    manifest = json.loads(entries(pack)[MANIFEST])
    manifest["files"] = [entry for entry in manifest["files"] if entry["path"] != "empty.bin"]
    with pytest.raises(EvidencePackInvalid) as refused:
        read_pack(rebuilt(pack, {MANIFEST: json.dumps(manifest).encode()}))
    assert refused.value.path == "empty.bin"
    with pytest.raises(EvidencePackInvalid) as gone:
        read_pack(rebuilt(pack, {MANIFEST: None}))
    assert gone.value.path == MANIFEST
    with pytest.raises(EvidencePackInvalid) as not_zip:
        read_pack(b"PK but not really a zip")
    assert "not a zip" in str(not_zip.value)


def test_a_damaged_entry_is_refused_naming_it() -> None:
    content = b"a long enough body for its compressed bytes to be hit " * 20
    pack = bytearray(build_pack(CASE, ORDER, GENERATED_AT, [EvidenceFile("a.txt", "text/plain", content)]))
    with zipfile.ZipFile(io.BytesIO(bytes(pack))) as archive:
        info = archive.getinfo("a.txt")
    # The local header is 30 bytes plus the name; flip a byte in the middle of the compressed data.
    data_start = info.header_offset + 30 + len(info.filename)
    pack[data_start + info.compress_size // 2] ^= 0xFF
    with pytest.raises(EvidencePackInvalid) as refused:
        read_pack(bytes(pack))
    assert refused.value.path == "a.txt"


@pytest.mark.parametrize("path", ["", "/etc/passwd", "../up.json", "a//b.json", "a/./b.json", "a\\b.json", "dir/"])
def test_a_path_that_could_escape_or_hide_in_the_pack_is_refused(path: str) -> None:
    with pytest.raises(ValueError):
        build_pack(CASE, ORDER, GENERATED_AT, [EvidenceFile(path, "text/plain", b"x")])


def test_a_path_given_twice_a_file_named_like_the_manifest_and_a_naive_time_are_refused() -> None:
    twice = [EvidenceFile("a.json", "application/json", b"1"), EvidenceFile("a.json", "application/json", b"2")]
    for files in (twice, [EvidenceFile(MANIFEST, "application/json", b"{}")]):
        with pytest.raises(ValueError):
            build_pack(CASE, ORDER, GENERATED_AT, files)
    with pytest.raises(ValueError):
        build_pack(CASE, ORDER, datetime(2026, 3, 1, 10, 30), FILES)


def evidence(**changes: Any) -> OrderEvidence:
    fields: dict[str, Any] = {
        "order": {"id": ORDER, "state": "ORDER_STATE_COMPLETED", "priceSnapshot": {"total": {"amountCents": 33_000}}},
        "policy_snapshot": {"version": "2026-01", "disputeWindowDays": 7},
        "timeline": [{"subtype": "order.authorized"}, {"subtype": "order.confirmed"}],
        "cards": [{"id": "crd_1", "responses": [{"action": "CARD_ACTION_ACCEPT"}]}],
        "deliverables": [{"id": "med_1", "filename": "look.jpg", "contentType": "image/jpeg", "nsfw": False}],
        "payment": {"payment": {"id": "pay_1"}},
        "receipts": [{"id": "rcp_1", "kind": "booking"}],
        "ledger": {"orderId": ORDER, "entries": [], "balances": []},
    }
    return OrderEvidence(**{**fields, **changes})


def test_an_orders_records_become_pretty_sorted_json_files_and_a_readme_naming_each() -> None:
    files = evidence_files(evidence())
    assert [file.path for file in files] == sorted([*FILE_DESCRIPTIONS, README])
    by_path = {file.path: file for file in files}
    timeline = by_path[TIMELINE_FILE]
    assert timeline.content_type == "application/json"
    assert json.loads(timeline.content) == [{"subtype": "order.authorized"}, {"subtype": "order.confirmed"}]
    cards_text = by_path[CARDS_FILE].content.decode()
    assert cards_text == json.dumps(json.loads(cards_text), indent=2, sort_keys=True) + "\n"
    readme = by_path[README].content.decode()
    for path in [*FILE_DESCRIPTIONS, MANIFEST]:
        assert f"\n{path}\n" in readme
    assert "download links are not included" in readme
    assert json.loads(by_path[DELIVERABLES_FILE].content)[0]["filename"] == "look.jpg"
    # Made twice from the same records, the pack is the same.
    assert build_pack(CASE, ORDER, GENERATED_AT, files) == build_pack(
        CASE, ORDER, GENERATED_AT, evidence_files(evidence())
    )


def test_an_order_without_a_payment_gets_files_saying_so() -> None:
    by_path = {file.path: file for file in evidence_files(evidence(payment=None, receipts=[], ledger=None))}
    assert json.loads(by_path[PAYMENT_SUMMARY_FILE].content) == {"note": NO_PAYMENT_NOTE, "payment": None}
    assert json.loads(by_path[RECEIPTS_FILE].content) == []
    assert json.loads(by_path[LEDGER_FILE].content)["entries"] == []


_SEGMENT = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.é", min_size=1, max_size=12).filter(
    lambda part: part not in (".", "..")
)
_PATH = st.lists(_SEGMENT, min_size=1, max_size=3).map("/".join).filter(lambda path: path != MANIFEST)
_FILES = st.dictionaries(_PATH, st.binary(max_size=2_000), max_size=12).filter(
    # A path cannot be both a file and a folder of another file.
    lambda files: not any(other.startswith(path + "/") for path in files for other in files)
)


@settings(max_examples=60, deadline=None)
@given(files=_FILES, seconds=st.integers(min_value=0, max_value=200 * 365 * 86_400))
def test_any_set_of_files_comes_back_whole_proven_and_in_the_same_bytes(files: dict[str, bytes], seconds: int) -> None:
    generated_at = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
    given_files = [EvidenceFile(path, "application/octet-stream", content) for path, content in files.items()]
    pack = build_pack(CASE, ORDER, generated_at, given_files)
    assert pack == build_pack(CASE, ORDER, generated_at, list(reversed(given_files)))
    manifest = read_pack(pack)
    assert [entry["path"] for entry in manifest["files"]] == sorted(files)
    inside = entries(pack)
    assert {path: inside[path] for path in files} == files
    assert all(entry["sha256"] == hashlib.sha256(files[entry["path"]]).hexdigest() for entry in manifest["files"])


def test_a_file_that_is_also_a_folder_is_refused() -> None:
    clash = [EvidenceFile("order", "text/plain", b"x"), EvidenceFile("order/order.json", "application/json", b"{}")]
    with pytest.raises(ValueError, match="both a file and a folder"):
        build_pack(CASE, ORDER, GENERATED_AT, clash)
