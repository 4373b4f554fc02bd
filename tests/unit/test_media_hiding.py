"""Support hiding media: the file's rules, and the use cases on an in-memory unit of work.

Hiding is idempotent (the first takedown's time and reason stay), restoring undoes it; a hidden
file is no deliverable and no new card may name it; only support hides, only support and staff
describe; every bad id is named.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from cards_memory import CardsStore, MemoryCardsUnitOfWork, NoStore, RecordingOwners, cards_deps
from memory import NOW, World

from callsheet_kit.errors import DomainError, ErrorCode, Violations
from callsheet_kit.identity import Caller
from services.cards.domain.card import Card
from services.cards.domain.media import MediaRecord, check_media_ids
from services.cards.domain.model import CardAction, CardType, OrderState, OrderView
from services.cards.usecases.commands import CreateCard, create_card
from services.cards.usecases.media import (
    DescribeMedia,
    SetMediaHidden,
    describe_media,
    list_deliverables,
    set_media_hidden,
)

BUYER, PROVIDER = "u_b", "u_p"
SUPPORT = Caller(service="support")
ORDER = OrderView("ord_1", BUYER, PROVIDER, OrderState.IN_PROGRESS, NOW, NOW + timedelta(hours=2), version=3)


def media(media_id: str) -> MediaRecord:
    return MediaRecord(
        media_id=media_id,
        order_id="ord_1",
        uploader_id=PROVIDER,
        filename=f"{media_id}.jpg",
        content_type="image/jpeg",
        nsfw=False,
        object_key=f"media/ord_1/{media_id}",
        created_at=NOW,
    )


def test_hiding_keeps_the_first_takedown_and_restoring_undoes_it() -> None:
    hidden = media("med_1").hide(reason="DMCA case_1", now=NOW)
    assert (hidden.hidden, hidden.hidden_at, hidden.hidden_reason) == (True, NOW, "DMCA case_1")
    assert hidden.hide(reason="again", now=NOW + timedelta(days=1)) is hidden
    restored = hidden.restore()
    assert (restored.hidden, restored.hidden_at, restored.hidden_reason) == (False, None, None)
    assert restored.restore() is restored


def test_media_ids_are_one_to_a_hundred_media_ids_each_bad_one_named() -> None:
    violations = Violations()
    assert check_media_ids(violations, "media_ids", ["med_1", "x", "med_1", "med_2"]) == ["med_1", "med_2"]
    with pytest.raises(DomainError) as bad:
        violations.raise_if_any()
    assert [v.field for v in bad.value.violations] == ["media_ids[1]"]
    for ids in ([], [f"med_{i}" for i in range(101)]):
        too_many = Violations()
        check_media_ids(too_many, "media_ids", ids)
        assert len(too_many) == 1


class Setup:
    def __init__(self, *names: str) -> None:
        self.world, self.store = World(), CardsStore()
        self.deps = cards_deps(self.world, self.store, RecordingOwners())
        for name in names:
            self.store.media[name] = media(name)

    def uow(self) -> MemoryCardsUnitOfWork:
        return MemoryCardsUnitOfWork(self.world, self.store)

    async def hide(self, ids: list[str], *, hidden: bool = True, reason: str = "DMCA case_1") -> list[MediaRecord]:
        async with self.uow() as uow:
            command = SetMediaHidden(caller=SUPPORT, request_id="r", media_ids=ids, hidden=hidden, reason=reason)
            return await set_media_hidden(uow, command)


@pytest.mark.asyncio
async def test_support_hides_and_restores_and_a_second_takedown_changes_nothing() -> None:
    setup = Setup("med_1", "med_2")
    [one, two] = await setup.hide(["med_2", "med_1"])
    assert (one.media_id, two.media_id) == ("med_2", "med_1") and one.hidden and two.hidden
    setup.world.advance(hours=1)
    [again] = await setup.hide(["med_1"], reason="a later notice")
    assert (again.hidden_at, again.hidden_reason) == (NOW, "DMCA case_1")
    [back] = await setup.hide(["med_1"], hidden=False, reason="counter-notice accepted")
    assert not back.hidden and not setup.store.media["med_1"].hidden and setup.store.media["med_2"].hidden


@pytest.mark.asyncio
async def test_unknown_or_malformed_ids_a_missing_reason_and_other_callers_are_refused() -> None:
    setup = Setup("med_1")
    with pytest.raises(DomainError) as unknown:
        await setup.hide(["med_1", "med_nope"])
    assert [v.field for v in unknown.value.violations] == ["media_ids[1]"] and not setup.store.media["med_1"].hidden
    with pytest.raises(DomainError) as bad:
        await setup.hide(["nope"], reason=" ")
    assert {v.field for v in bad.value.violations} == {"media_ids[0]", "reason"}
    with pytest.raises(DomainError) as long_reason:
        await setup.hide(["med_1"], reason="x" * 501)
    assert [v.field for v in long_reason.value.violations] == ["reason"]
    agent = Caller(user_id="u_agent", roles=frozenset({"support_agent"}), service="gateway")
    async with setup.uow() as uow:
        with pytest.raises(DomainError) as denied:
            await set_media_hidden(
                uow, SetMediaHidden(caller=agent, request_id="r", media_ids=["med_1"], hidden=True, reason="x")
            )
    assert denied.value.code is ErrorCode.PERMISSION_DENIED


@pytest.mark.asyncio
async def test_support_and_staff_describe_known_media_in_the_order_asked() -> None:
    setup = Setup("med_1", "med_2")
    await setup.hide(["med_2"])
    agent = Caller(user_id="u_agent", roles=frozenset({"support_agent"}), service="gateway")
    for caller in (SUPPORT, agent):
        async with setup.uow() as uow:
            found = await describe_media(uow, DescribeMedia(caller=caller, media_ids=["med_2", "med_x", "med_1"]))
        assert [(m.media_id, m.hidden, m.hidden_reason) for m in found] == [
            ("med_2", True, "DMCA case_1"),
            ("med_1", False, None),
        ]
    async with setup.uow() as uow:
        with pytest.raises(DomainError) as denied:
            await describe_media(
                uow, DescribeMedia(caller=Caller(user_id=BUYER, service="gateway"), media_ids=["med_1"])
            )
    assert denied.value.code is ErrorCode.PERMISSION_DENIED


@pytest.mark.asyncio
async def test_a_hidden_file_is_no_deliverable_and_no_new_card_names_it() -> None:
    setup = Setup("med_1", "med_2")
    gallery = {"media": [{"mediaId": "med_1", "nsfw": False}, {"mediaId": "med_2", "nsfw": False}]}
    card = Card.open(
        card_id="crd_p",
        key="kp",
        order=ORDER,
        card_type=CardType.PROOFS,
        creator_id=PROVIDER,
        raw_payload=gallery,
        open_types=set(),
        now=NOW,
    )
    card.respond(
        order=ORDER,
        responder_id=BUYER,
        action=CardAction.APPROVE,
        raw_payload={"mediaIds": ["med_1", "med_2"], "final": True},
        expected_version=1,
        response_id="rsp_1",
        now=NOW,
    )
    card.applied(now=NOW)
    setup.store.cards[card.card_id] = card
    await setup.hide(["med_1"])
    async with setup.uow() as uow:
        served = await list_deliverables(uow, ORDER.order_id, store=NoStore())
    assert [(d.media.media_id, d.download_url) for d in served] == [("med_2", "https://files.test/media/ord_1/med_2")]

    evidence = {"reason": "quality", "description": "blurry", "evidenceMediaIds": ["med_2", "med_1"]}
    command = CreateCard(
        caller=Caller(user_id=BUYER, service="gateway"),
        request_id="d1",
        order=ORDER,
        card_type=CardType.DISPUTE,
        payload=evidence,
    )
    async with setup.uow() as uow:
        with pytest.raises(DomainError) as refused:
            await create_card(uow, command)
    assert [v.field for v in refused.value.violations] == ["payload.evidenceMediaIds[1]"]
