"""Media through the gateway: signed upload links bounded by content type and size, participants
only, and the deliverables of approved proofs downloadable through signed links."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from saga_tools import BUYER, PROVIDER
from system_client import GraphQLError, System
from test_card_scenarios import in_progress
from test_cards import create, respond

UPLOAD = """mutation($i: CreateMediaUploadInput!) { createMediaUpload(input: $i) { mediaId uploadUrl expiresAt } }"""
DELIVERABLES = "query($id: ID!) { order(id: $id) { deliverables { id filename contentType nsfw downloadUrl } } }"
JPEG = b"\xff\xd8\xff\xe0" + b"proof" * 100


def upload_link(
    system: System, order_id: str, filename: str, *, nsfw: bool = False, user: str = PROVIDER
) -> dict[str, str]:
    variables = {"i": {"orderId": order_id, "filename": filename, "contentType": "image/jpeg", "nsfw": nsfw}}
    link: dict[str, str] = system.gql(user, UPLOAD, variables)["createMediaUpload"]
    return link


def put(url: str, data: bytes, content_type: str = "image/jpeg") -> httpx.Response:
    return httpx.put(url, content=data, headers={"Content-Type": content_type}, trust_env=False)


def test_uploads_take_their_type_and_size_and_the_final_proofs_become_downloadable_deliverables(system: System) -> None:
    order_id = in_progress(system)
    first, second = upload_link(system, order_id, "look-1.jpg"), upload_link(system, order_id, "look-2.jpg", nsfw=True)
    assert first["mediaId"].startswith("med_") and first["expiresAt"]
    assert put(first["uploadUrl"], JPEG, "image/png").status_code == 415
    parts = urlsplit(first["uploadUrl"])
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    widened = parts._replace(query=urlencode({**query, "maxBytes": str(10**12)})).geturl()
    assert put(widened, JPEG).status_code == 403  # the size is part of what the link signs
    assert put(first["uploadUrl"], JPEG).status_code == 201
    assert put(second["uploadUrl"], JPEG).status_code == 201

    gallery = {"media": [{"mediaId": first["mediaId"], "nsfw": False}, {"mediaId": second["mediaId"], "nsfw": True}]}
    card = create(system, PROVIDER, order_id, "PROOFS", gallery)
    respond(system, BUYER, card, "APPROVE", {"mediaIds": [first["mediaId"], second["mediaId"]], "final": True})
    [one, two] = system.gql(BUYER, DELIVERABLES, {"id": order_id})["order"]["deliverables"]
    assert (one["id"], one["filename"], one["contentType"], one["nsfw"]) == (
        first["mediaId"],
        "look-1.jpg",
        "image/jpeg",
        False,
    )
    assert (two["id"], two["nsfw"]) == (second["mediaId"], True)
    downloaded = httpx.get(one["downloadUrl"], trust_env=False)
    assert downloaded.status_code == 200 and downloaded.content == JPEG


def test_only_participants_get_upload_links_and_bad_input_names_its_field(system: System) -> None:
    order_id = in_progress(system)
    with pytest.raises(GraphQLError) as stranger:
        upload_link(system, order_id, "x.jpg", user="u_buyer_2")
    assert stranger.value.code == "NOT_FOUND"
    bad = {"i": {"orderId": order_id, "filename": "../etc/passwd", "contentType": "text/html", "nsfw": False}}
    with pytest.raises(GraphQLError) as refused:
        system.gql(PROVIDER, UPLOAD, bad)
    fields = {v["field"] for v in refused.value.extensions["violations"]}
    assert fields == {"input.filename", "input.contentType"}
