"""PROOFS: the provider submits a gallery; the buyer approves a subset, asks for changes, or approves for good.

The loop: APPROVE without ``final`` keeps the approved media and the card OPEN; REQUEST_CHANGES
(at most three rounds) asks the provider for a new round, which they UPLOAD; APPROVE with
``"final": true`` makes the approved media the order's deliverables and closes the card. Media
ids must be the card's own (submitted on it); each item says whether it is NSFW. Open 7 days.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from callsheet_kit.errors import Violations
from callsheet_kit.validation import as_object, boolean, listing, media_id, only_keys
from callsheet_kit.validation import json_text as text
from services.cards.domain.kinds.base import MAX_MEDIA, CardKind, Context, Outcome, Payload, Responder, ResponseRule
from services.cards.domain.model import CardAction, CardType, OrderState, OrderView, Party

LIFETIME = timedelta(days=7)
MAX_CHANGE_ROUNDS = 3


def check_gallery(violations: Violations, field_name: str, value: Any) -> list[dict[str, Any]]:
    """``[{"mediaId", "nsfw"}…]``, each media once."""
    media, seen = [], set()
    for index, raw in enumerate(listing(violations, field_name, value, low=1, high=MAX_MEDIA)):
        at = f"{field_name}[{index}]"
        item = as_object(violations, at, raw)
        only_keys(violations, at, item, {"mediaId", "nsfw"})
        found = media_id(violations, f"{at}.mediaId", item.get("mediaId"))
        if found in seen:
            violations.add(f"{at}.mediaId", "is listed twice")
        seen.add(found)
        media.append({"mediaId": found, "nsfw": boolean(violations, f"{at}.nsfw", item.get("nsfw"))})
    return media


def submitted(progress: Mapping[str, Any], card_payload: Mapping[str, Any]) -> set[str]:
    """Every media id submitted on the card, in its first gallery and in the rounds since."""
    rounds = [card_payload.get("media", []), *progress.get("rounds", [])]
    return {item["mediaId"] for gallery in rounds for item in gallery}


def check_create(violations: Violations, value: Any, context: Context) -> Payload:
    """``{"media": [{"mediaId", "nsfw"}…]}``."""
    payload = as_object(violations, "payload", value)
    only_keys(violations, "payload", payload, {"media"})
    return {"media": check_gallery(violations, "payload.media", payload.get("media"))}


def check_approve(violations: Violations, value: Any, context: Context) -> Payload:
    """``{"mediaIds", "final"}``: media of this card."""
    payload = as_object(violations, "payload", value)
    only_keys(violations, "payload", payload, {"mediaIds", "final"})
    known = submitted(context.progress, context.card_payload)
    ids = []
    for index, raw in enumerate(
        listing(violations, "payload.mediaIds", payload.get("mediaIds"), low=1, high=MAX_MEDIA)
    ):
        found = media_id(violations, f"payload.mediaIds[{index}]", raw)
        if found and found not in known:
            violations.add(f"payload.mediaIds[{index}]", "is not media of this card")
        ids.append(found)
    return {"mediaIds": ids, "final": boolean(violations, "payload.final", payload.get("final"), default=False)}


def check_request_changes(violations: Violations, value: Any, context: Context) -> Payload:
    """``{"notes", "mediaIds"?}``."""
    payload = as_object(violations, "payload", value)
    only_keys(violations, "payload", payload, {"notes", "mediaIds"})
    made: Payload = {"notes": text(violations, "payload.notes", payload.get("notes"), required=True)}
    if payload.get("mediaIds") is not None:
        known = submitted(context.progress, context.card_payload)
        ids = []
        for index, raw in enumerate(
            listing(violations, "payload.mediaIds", payload["mediaIds"], low=1, high=MAX_MEDIA)
        ):
            found = media_id(violations, f"payload.mediaIds[{index}]", raw)
            if found and found not in known:
                violations.add(f"payload.mediaIds[{index}]", "is not media of this card")
            ids.append(found)
        made["mediaIds"] = ids
    return made


def check_upload(violations: Violations, value: Any, context: Context) -> Payload:
    """``{"media": [...]}``: the provider's new round."""
    payload = as_object(violations, "payload", value)
    only_keys(violations, "payload", payload, {"media"})
    media = check_gallery(violations, "payload.media", payload.get("media"))
    known = submitted(context.progress, context.card_payload)
    for index, item in enumerate(media):
        if item["mediaId"] in known:
            violations.add(f"payload.media[{index}].mediaId", "was already submitted on this card")
    return {"media": media}


def lifetime(order: OrderView, now: datetime) -> timedelta:
    """7 days."""
    return LIFETIME


class ProofsKind(CardKind):
    """PROOFS: a final approval accepts; any other approval keeps the loop open."""

    def outcome(self, action: CardAction, payload: Payload, progress: Mapping[str, Any]) -> Outcome:
        """APPROVE with ``final`` accepts the card; everything else keeps it open."""
        if action is CardAction.APPROVE and payload.get("final"):
            return Outcome.ACCEPTS
        return Outcome.STAYS_OPEN


PROOFS = ProofsKind(
    type=CardType.PROOFS,
    creators=frozenset({Party.PROVIDER}),
    order_states=frozenset({OrderState.IN_PROGRESS, OrderState.COMPLETED}),
    check_create=check_create,
    responses={
        CardAction.APPROVE: ResponseRule(Responder.COUNTERPART, check_approve, Outcome.STAYS_OPEN),
        CardAction.REQUEST_CHANGES: ResponseRule(Responder.COUNTERPART, check_request_changes, Outcome.STAYS_OPEN),
        CardAction.UPLOAD: ResponseRule(Responder.PROVIDER, check_upload, Outcome.STAYS_OPEN),
    },
    lifetime=lifetime,
)
