"""What a card's media are to notify: the most cautious flag the card gives an item wins."""

from __future__ import annotations

from datetime import UTC, datetime

from services.notify.domain.compose import CardFacts, Occurrence, media_of


def test_an_item_flagged_nsfw_anywhere_on_its_card_is_nsfw() -> None:
    card = CardFacts(
        id="crd_1",
        type="proofs",
        state="OPEN",
        created_by="u_p",
        due_at=None,
        expires_at=None,
        payload={"media": [{"mediaId": "med_a", "nsfw": False}, {"mediaId": "med_b", "nsfw": False}]},
        progress={"rounds": [[{"mediaId": "med_a", "nsfw": True}], ["med_b"]]},
    )
    happened = Occurrence(
        event_id="evt_1",
        event_type="card.requested.proofs",
        occurred_at=datetime.now(UTC),
        actor_id="u_p",
        order_id="ord_1",
        card=card,
    )
    flags = {item["id"]: item["nsfw"] for item in media_of(happened, app_url="https://app.test")}
    assert flags == {"med_a": True, "med_b": None}
