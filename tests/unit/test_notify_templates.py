"""Notify's templates: every event on every channel, and no withheld media anywhere in what they render."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest
from jinja2.exceptions import SecurityError

from services.notify.domain import routing
from services.notify.domain.messages import Channel
from services.notify.domain.rendering import (
    DEFAULT_DIRECTORY,
    MissingTemplates,
    Rendered,
    Templates,
    UnsafePreview,
    safe_context,
    withheld_media,
)
from services.notify.domain.routing import EVENT_TYPES

APP_URL = "https://app.callsheet.test"
ORDER_ID = "ord_7Hq2kP"
ORDER_LINK = f"{APP_URL}/orders/{ORDER_ID}"
CASE_ID = "cas_91xB"
CASE_LINK = f"{APP_URL}/support/cases/{CASE_ID}"
START = "Fri 4 Dec 2026, 09:00 CET"
PREFERENCES = f"{APP_URL}/settings/notifications"
TITLE_LIMITS = {Channel.EMAIL: 150, Channel.PUSH: 65, Channel.IN_APP: 120}
ALL = (*EVENT_TYPES, "digest")
BUYER = {"user_id": "usr_buyer", "name": "Sam Lee"}
PROVIDER = {"user_id": "usr_prov", "name": "Alex Rivera"}
AGENT = {"user_id": "usr_agent", "name": "Jordan Park"}

PAYLOADS: dict[str, dict[str, Any]] = {
    "reschedule": {
        "slots": [
            {"startUtc": "2026-12-05T09:00:00Z", "endUtc": "2026-12-05T11:00:00Z"},
            {"startUtc": "2026-12-06T13:00:00Z", "endUtc": "2026-12-06T15:00:00Z"},
        ],
        "reason": "The venue moved our slot",
    },
    "extras": {
        "items": [{"description": "Extra hour on set", "quantity": 2, "unitAmountCents": 7500}],
        "currency": "USD",
    },
    "expense": {
        "items": [
            {
                "category": "Travel",
                "description": "Train to the venue",
                "amountCents": 4250,
                "receiptMediaId": "med_rcpt1",
            }
        ],
        "currency": "USD",
    },
    "proofs": {"media": [{"mediaId": "med_proof1", "nsfw": False}, {"mediaId": "med_proof2", "nsfw": False}]},
    "complete": {"note": "All 40 selects are delivered."},
    "dispute": {
        "reason": "quality",
        "description": "Half of the shots are out of focus.",
        "requestedRefundCents": 20000,
        "evidenceMediaIds": ["med_evid1"],
    },
}
# The answer each card type's responded event carries, and the state it leaves the card in.
RESPONSES = {
    "reschedule": ("ACCEPT", "ACCEPTED"),
    "extras": ("ACCEPT", "ACCEPTED"),
    "expense": ("APPROVE", "ACCEPTED"),
    "proofs": ("REQUEST_CHANGES", "OPEN"),
    "complete": ("APPROVE", "ACCEPTED"),
    "dispute": ("UPLOAD", "OPEN"),
}
CARD_STATES = {"requested": "OPEN", "expiring": "OPEN", "closed": "CLOSED", "reopened": "OPEN"}
CATEGORIES = routing.TRANSACTIONAL


def media_item(media_id: str, nsfw: bool | None, filename: str | None = None) -> dict[str, Any]:
    """A media item as the caller describes it."""
    return {
        "id": media_id,
        "nsfw": nsfw,
        "filename": filename,
        "link": f"{ORDER_LINK}/media/{media_id}",
        "thumbnail_url": f"https://cdn.callsheet.test/thumbs/{media_id}.jpg",
    }


def who_reads(event_type: str) -> tuple[dict[str, Any], str, dict[str, Any] | None]:
    """The reader, their role and the actor a realistic event of this type has."""
    if event_type.startswith(("card.requested", "card.expiring")):
        return BUYER, "buyer", PROVIDER
    if event_type.startswith("card.responded"):
        return PROVIDER, "provider", BUYER
    if event_type.startswith(("card.", "order.")):
        return BUYER, "buyer", PROVIDER
    if event_type.startswith(("payout.", "dispute.")):
        return PROVIDER, "provider", None
    if event_type.startswith("support."):
        return BUYER, "buyer", AGENT
    return BUYER, "buyer", None


def context_for(event_type: str, *, media: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A full render context of ``event_type``, shaped as the caller writes it."""
    reader, role, actor = who_reads(event_type)
    counterpart = PROVIDER if reader is BUYER else BUYER
    context: dict[str, Any] = {
        "event_type": event_type,
        "category": "transactional" if event_type in CATEGORIES else "optional",
        "app_url": APP_URL,
        "reader": {**reader, "role": role},
        "actor": {**actor, "is_reader": False} if actor else None,
        "counterpart": dict(counterpart),
        "order": {
            "id": ORDER_ID,
            "link": ORDER_LINK,
            "role_code": "photographer",
            "start": START,
            "state": "CONFIRMED",
        },
        "card": None,
        "money": None,
        "dispute": None,
        "case": None,
        "deadline": "",
        "media": media if media is not None else [],
        "items": [],
        "urgent": False,
    }
    if event_type.startswith("card."):
        _, family, kind = event_type.split(".")
        action, state = RESPONSES[kind] if family == "responded" else (None, CARD_STATES[family])
        context["card"] = {
            "id": "crd_55",
            "type": kind,
            "state": state,
            "link": f"{ORDER_LINK}/cards/crd_55",
            "due": "Sun 6 Dec 2026, 09:00 CET",
            "expires": "" if kind == "dispute" else "Sun 6 Dec 2026, 09:00 CET",
            "payload": copy.deepcopy(PAYLOADS[kind]),
            "slots": ["Sat 5 Dec 2026, 10:00 CET – 12:00", "Sun 6 Dec 2026, 14:00 CET – 16:00"]
            if kind == "reschedule"
            else [],
            "response": {"action": action, "by_reader": False} if action else None,
            "reason": "the charge for it failed" if family == "reopened" else "",
        }
        if kind in ("extras", "expense", "dispute"):
            context["money"] = {"amount": "$150.00", "reason": ""}
        if family in ("requested", "expiring", "reopened"):
            context["deadline"] = "Sun 6 Dec 2026, 09:00 CET"
        if kind == "proofs" and media is None:
            context["media"] = [media_item("med_proof1", False), media_item("med_proof2", False)]
    if event_type.startswith(("payment.", "refund.", "payout.", "dispute.")) or event_type == "order.authorized":
        context["money"] = {"amount": "$480.00", "reason": "Booking total" if event_type != "payout.failed" else ""}
    if event_type.startswith("dispute."):
        context["dispute"] = {"reason": "product_not_received", "due_by": "Tue 15 Dec 2026, 01:00 CET"}
        context["deadline"] = "Tue 15 Dec 2026, 01:00 CET" if event_type == "dispute.opened" else ""
    if event_type.startswith("support."):
        context["case"] = {
            "id": CASE_ID,
            "type": "BOOKING_DISPUTE",
            "state": "OPEN",
            "priority": "HIGH",
            "subject": "Shots out of focus",
            "link": CASE_LINK,
            "due": "Mon 7 Dec 2026, 17:00 CET",
            "change": "assigned to an agent" if event_type == "support.case.updated" else "",
            "note": "We're reviewing the gallery now." if event_type != "support.case.opened" else "",
        }
    if event_type == "order.authorized":
        # The provider is asked to confirm; the buyer has nothing to do.
        context |= {"reader": {**PROVIDER, "role": "provider"}, "actor": {**BUYER, "is_reader": False}}
        context |= {"counterpart": dict(BUYER), "deadline": "Sat 28 Nov 2026, 09:00 CET"}
    if event_type == "digest":
        items = [context_for("card.requested.reschedule"), context_for("card.requested.extras")]
        items[0] |= {
            "title": "Alex Rivera proposed a new time",
            "text": "Pick a slot, counter or decline by Sun 6 Dec.",
        }
        items[1] |= {"title": "Alex Rivera requested extras", "text": "Accept or decline the extras by Sun 6 Dec."}
        context = {**items[-1], "event_type": "digest", "items": items, "category": "optional"}
        context["media"] = media if media is not None else [item for entry in items for item in entry["media"]]
    return context


@pytest.fixture(scope="module")
def templates() -> Templates:
    return Templates(EVENT_TYPES)


def render_all(templates: Templates, event_type: str, context: dict[str, Any], safe_mode: bool) -> list[Rendered]:
    return [templates.render(event_type, channel, context, safe_mode=safe_mode) for channel in Channel]


def parts(rendered: Rendered) -> list[str]:
    return [rendered.title, rendered.text, *([rendered.html] if rendered.html is not None else [])]


def test_every_routed_event_type_has_templates(templates: Templates) -> None:
    assert len(EVENT_TYPES) == len(set(EVENT_TYPES)) == 55
    assert templates.event_types == {*EVENT_TYPES, "digest"}
    for event_type in ALL:
        assert (DEFAULT_DIRECTORY / f"{event_type}.txt").is_file()
        assert (DEFAULT_DIRECTORY / f"{event_type}.html").is_file()


@pytest.mark.parametrize("channel", list(Channel))
@pytest.mark.parametrize("event_type", ALL)
def test_every_event_renders_on_every_channel(templates: Templates, event_type: str, channel: Channel) -> None:
    context = context_for(event_type)
    rendered = templates.render(event_type, channel, context, safe_mode=False)

    assert rendered.title.strip() and rendered.text.strip()
    assert "\n" not in rendered.title and "\r" not in rendered.title
    assert rendered.title == " ".join(rendered.title.split())
    assert len(rendered.title) <= TITLE_LIMITS[channel]
    everything = " ".join(parts(rendered))
    assert "photographer" in everything.lower() and START in everything
    assert "None" not in everything
    link = CASE_LINK if event_type.startswith("support.") else ORDER_LINK
    if channel is Channel.EMAIL:
        assert rendered.html is not None
        for part in (rendered.text, rendered.html):
            assert link in part and ORDER_ID in part
            assert PREFERENCES in part
            assert ("regardless of your email preferences" in part) == (context["category"] == "transactional")
        assert 'href="' in rendered.html and "<h1" in rendered.html
        assert rendered.text.startswith(f"Hi {context['reader']['name']},")
    else:
        assert rendered.html is None
    if channel is Channel.PUSH:
        assert len(rendered.text) <= 240 and not rendered.text.endswith("…"), "the push says it all, uncut"
        assert "\n" not in rendered.text


@pytest.mark.parametrize("event_type", ALL)
def test_messages_say_what_to_do_by_when(templates: Templates, event_type: str) -> None:
    context = context_for(event_type)
    email = templates.render(event_type, Channel.EMAIL, context, safe_mode=False)
    if context["deadline"]:
        assert context["deadline"] in email.text
        assert context["deadline"] in templates.render(event_type, Channel.PUSH, context, safe_mode=False).text


def test_copy_reads_like_a_person_wrote_it(templates: Templates) -> None:
    context = context_for("card.requested.reschedule")
    push = templates.render("card.requested.reschedule", Channel.PUSH, context, safe_mode=False)
    assert push.title == "Alex Rivera proposed a new time"
    assert push.text == (
        f"Alex Rivera proposed a new time for your photographer booking on {START}. "
        "Pick a slot, counter or decline by Sun 6 Dec 2026, 09:00 CET."
    )
    email = templates.render("card.requested.reschedule", Channel.EMAIL, context, safe_mode=False)
    assert email.title == f"Alex Rivera proposed a new time · Photographer, {START}"
    assert "  - Sat 5 Dec 2026, 10:00 CET – 12:00" in email.text
    assert "Reason: The venue moved our slot" in email.text

    mine = context | {"actor": {**PROVIDER, "is_reader": True}}
    feed = templates.render("card.requested.reschedule", Channel.IN_APP, mine, safe_mode=False)
    assert feed.text.startswith("You proposed a new time")
    assert "We'll let you know when Alex Rivera responds" in feed.text

    automatic = context_for("card.closed.complete") | {"actor": None}
    automatic["card"]["state"] = "ACCEPTED"
    feed = templates.render("card.closed.complete", Channel.IN_APP, automatic, safe_mode=False)
    assert feed.text.startswith("The completion request for your photographer booking")
    assert "approved automatically" in feed.text


def variants(event_type: str) -> list[dict[str, Any]]:
    """The same event for other readers and actors, and with every optional key empty."""
    base = context_for(event_type)
    found = []
    for role, reader in (("buyer", BUYER), ("provider", PROVIDER), ("agent", AGENT)):
        for actor in (None, {**reader, "is_reader": True}, {**AGENT, "is_reader": False}):
            found.append(base | {"reader": {**reader, "role": role}, "actor": actor})
    bare = base | {"counterpart": None, "money": None, "dispute": None, "deadline": "", "order": None}
    if bare["card"] is not None:
        bare["card"] = bare["card"] | {"payload": {}, "slots": [], "response": None, "expires": "", "due": ""}
    if bare["case"] is not None:
        bare["case"] = {key: "" for key in bare["case"]} | {"link": CASE_LINK, "id": CASE_ID}
    found.append(bare)
    return found


@pytest.mark.parametrize("event_type", ALL)
def test_every_event_renders_for_any_reader_and_with_empty_values(templates: Templates, event_type: str) -> None:
    for context in variants(event_type):
        for rendered in render_all(templates, event_type, context, safe_mode=False):
            assert rendered.title and rendered.text
            assert "None" not in " ".join(parts(rendered))


# NSFW: the ids, names, links and thumbnails of media that must never show.
NSFW_IDS = ("med_nsfwA1", "med_nsfwB2", "med_nsfwC3")
NSFW_FILENAMES = ("beach_nude_03.jpg", "boudoir_set_12.png", "implied_07.heic")


def nsfw_context(event_type: str, nsfw: bool | None = True) -> dict[str, Any]:
    media = [media_item(media_id, nsfw, name) for media_id, name in zip(NSFW_IDS, NSFW_FILENAMES, strict=True)]
    context = context_for(event_type, media=media)
    if context["card"] is not None:
        context["card"]["payload"]["media"] = [{"mediaId": media_id, "nsfw": nsfw} for media_id in NSFW_IDS]
        context["card"]["payload"]["evidenceMediaIds"] = list(NSFW_IDS)
        context["card"]["payload"]["cover"] = NSFW_IDS[0]
        if context["card"]["response"] is None:
            context["card"]["response"] = {"action": "APPROVE", "by_reader": False}
        context["card"]["response"]["payload"] = {"mediaIds": list(NSFW_IDS), "notes": "Retouch the second one"}
    for item in context["items"]:
        item["media"] = copy.deepcopy(media)
    return context


def forbidden(media: list[dict[str, Any]]) -> list[str]:
    return [str(item[key]) for item in media for key in ("id", "filename", "link", "thumbnail_url") if item.get(key)]


@pytest.mark.parametrize("event_type", ALL)
def test_nsfw_media_never_shows_on_any_channel(templates: Templates, event_type: str) -> None:
    context = nsfw_context(event_type)
    needles = [*forbidden(context["media"]), "med_"]
    for safe_mode in (False, True):
        for rendered in render_all(templates, event_type, context, safe_mode):
            for part in parts(rendered):
                for needle in needles:
                    assert needle not in part, (event_type, needle)
                assert "<img" not in part


@pytest.mark.parametrize("event_type", ALL)
def test_unknown_nsfw_counts_as_nsfw(templates: Templates, event_type: str) -> None:
    context = nsfw_context(event_type, nsfw=None)
    assert safe_context(context, Channel.IN_APP, safe_mode=False)["media"] == []
    for rendered in render_all(templates, event_type, context, safe_mode=False):
        for part in parts(rendered):
            assert not any(needle in part for needle in [*forbidden(context["media"]), "med_"])


def test_hidden_media_are_counted_not_described(templates: Templates) -> None:
    context = nsfw_context("card.requested.proofs")
    email = templates.render("card.requested.proofs", Channel.EMAIL, context, safe_mode=False)
    assert "3 items are only shown in the app." in email.text
    assert email.html is not None and "3 items are only shown in the app." in email.html
    push = templates.render("card.requested.proofs", Channel.PUSH, context, safe_mode=False)
    assert "3 items to view in the app." in push.text


def test_a_proofs_email_shows_the_safe_items_and_counts_the_rest(templates: Templates) -> None:
    safe = [media_item("med_safe1", False, "portrait_01.jpg"), media_item("med_safe2", False, "portrait_02.jpg")]
    unsafe = [media_item("med_nsfwA1", True, "beach_nude_03.jpg"), media_item("med_unknown", None, "set_9.jpg")]
    context = context_for("card.requested.proofs", media=[*safe, *unsafe])
    email = templates.render("card.requested.proofs", Channel.EMAIL, context, safe_mode=False)
    assert email.html is not None
    for item in safe:
        assert f'<a href="{item["link"]}"' in email.html
        assert f'<img src="{item["thumbnail_url"]}"' in email.html
        assert item["link"] in email.text
    assert email.html.count("<img") == 2
    assert 'alt="Open image 1 of 2"' in email.html
    assert "2 items are only shown in the app." in email.text
    for part in parts(email):
        assert not any(needle in part for needle in forbidden(unsafe))
    push = templates.render("card.requested.proofs", Channel.PUSH, context, safe_mode=False)
    assert "4 items to view in the app." in push.text
    assert not any(needle in push.text for needle in [*forbidden(safe), "med_"])


@pytest.mark.parametrize("event_type", ALL)
def test_safe_mode_keeps_all_media_out_of_email_and_push(templates: Templates, event_type: str) -> None:
    safe = [media_item("med_safe1", False, "portrait_01.jpg"), media_item("med_safe2", False, "portrait_02.jpg")]
    context = context_for(event_type, media=safe)
    for item in context["items"]:
        item["media"] = copy.deepcopy(safe)
    for channel in (Channel.EMAIL, Channel.PUSH):
        rendered = templates.render(event_type, channel, context, safe_mode=True)
        for part in parts(rendered):
            assert "<img" not in part
            assert not any(needle in part for needle in [*forbidden(safe), "med_", "/media/"])
    data = safe_context(context, Channel.EMAIL, safe_mode=True)
    assert data["media"] == [] and data["hidden_media"] == 2
    # Safe mode is about what lands in an inbox or on a lock screen; the feed still has the safe items.
    assert [item["id"] for item in safe_context(context, Channel.IN_APP, safe_mode=True)["media"]] == [
        "med_safe1",
        "med_safe2",
    ]


def test_safe_context_scrubs_every_media_reference() -> None:
    context = nsfw_context("card.responded.expense")
    context["card"]["payload"]["nested"] = {"med_keyed": "x", "deep": [{"ref": "med_deep1"}, {"mediaId": "med_z"}]}
    before = copy.deepcopy(context)
    data = safe_context(context, Channel.IN_APP, safe_mode=False)

    assert context == before, "the caller's context is never changed"
    payload = data["card"]["payload"]
    assert payload["items"] == [{"category": "Travel", "description": "Train to the venue", "amountCents": 4250}]
    assert payload["media"] == [] and payload["evidenceMediaIds"] == [] and "cover" not in payload
    assert payload["nested"] == {"deep": [{}]}
    assert data["card"]["response"]["payload"] == {"mediaIds": [], "notes": "Retouch the second one"}
    assert data["media"] == [] and data["hidden_media"] == 3
    assert "med_" not in repr({key: value for key, value in data.items() if key != "media"})

    data["card"]["payload"]["items"].append("changed")
    assert context == before, "a deep copy"


def test_safe_context_keeps_only_explicitly_safe_items() -> None:
    media = [
        media_item("med_ok", False),
        media_item("med_yes", True),
        media_item("med_unknown", None),
        {**media_item("med_str", False), "nsfw": "false"},
        {**media_item("med_twice", False)},
        {**media_item("med_twice", True)},
    ]
    context = context_for("card.requested.proofs", media=media)
    data = safe_context(context, Channel.IN_APP, safe_mode=False)
    assert [item["id"] for item in data["media"]] == ["med_ok"]
    assert data["hidden_media"] == 4, "distinct items"
    assert sorted(item["id"] for item in withheld_media(context, Channel.IN_APP, safe_mode=False)) == [
        "med_str",
        "med_twice",
        "med_twice",
        "med_unknown",
        "med_yes",
    ]
    assert [item["id"] for item in withheld_media(context, Channel.PUSH, safe_mode=True)] == [
        "med_ok",
        "med_yes",
        "med_unknown",
        "med_str",
        "med_twice",
        "med_twice",
    ]


def test_a_digest_filters_each_items_media(templates: Templates) -> None:
    context = context_for("digest")
    context["items"][0]["media"] = [media_item("med_nsfwA1", True, "beach_nude_03.jpg"), media_item("med_ok1", False)]
    context["items"][1]["card"]["payload"]["items"][0]["note"] = "med_nsfwB2"
    context["media"] = [item for entry in context["items"] for item in entry["media"]]
    data = safe_context(context, Channel.EMAIL, safe_mode=False)
    assert [item["id"] for item in data["items"][0]["media"]] == ["med_ok1"]
    assert data["items"][0]["hidden_media"] == 1
    assert "note" not in data["items"][1]["card"]["payload"]["items"][0]
    # Dropped from the frame and from the item it came with.
    assert [item["id"] for item in withheld_media(context, Channel.EMAIL, safe_mode=False)] == ["med_nsfwA1"] * 2

    email = templates.render("digest", Channel.EMAIL, context, safe_mode=False)
    assert email.title == f"2 updates on your booking · Photographer, {START}"
    assert email.html is not None
    for item in context["items"]:
        assert item["title"] in email.text and item["title"] in email.html
        assert item["text"] in email.text and item["text"] in email.html
    assert email.html.count(f'href="{ORDER_LINK}"') == 1
    assert "1 item is only shown in the app." in email.text
    for part in parts(email):
        assert not any(needle in part for needle in [*forbidden(context["items"][0]["media"][:1]), "med_nsfwB2"])


LEAKY_TXT = """{% block email_subject %}Proofs{% endblock %}
{% block email_text %}See {{ card.caption }}{% endblock %}
{% block push_title %}Proofs{% endblock %}
{% block push_body %}Proofs{% endblock %}
{% block feed_title %}Proofs{% endblock %}
{% block feed_body %}{{ card.note }}{% endblock %}
"""


def write_set(directory: Path, event_type: str, txt: str, html: str = "<p>{{ card.caption }}</p>") -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{event_type}.txt").write_text(txt)
    (directory / f"{event_type}.html").write_text(html)
    (directory / "digest.txt").write_text(LEAKY_TXT.replace("{{ card.caption }}", "").replace("{{ card.note }}", ""))
    (directory / "digest.html").write_text("<p>digest</p>")


def test_the_guard_refuses_a_template_that_shows_withheld_media(tmp_path: Path) -> None:
    write_set(tmp_path, "leak.test", LEAKY_TXT)
    leaky = Templates(["leak.test"], tmp_path)
    hidden = media_item("med_nsfwA1", True, "a&b_nude.jpg")
    context = {
        "media": [hidden],
        "card": {"caption": f"the file {hidden['filename']}", "note": f"see {hidden['thumbnail_url']} now"},
    }
    with pytest.raises(UnsafePreview, match=r"email message of leak\.test") as refused:
        leaky.render("leak.test", Channel.EMAIL, context, safe_mode=False)
    assert "med_" not in str(refused.value) and "nude" not in str(refused.value)
    with pytest.raises(UnsafePreview):
        leaky.render("leak.test", Channel.IN_APP, context, safe_mode=False)
    # An id the scrub cannot see (inside a sentence) is still caught, in any case.
    context["card"] = {"caption": "ref MED_NSFWA1 here", "note": ""}
    with pytest.raises(UnsafePreview):
        leaky.render("leak.test", Channel.EMAIL, context, safe_mode=False)
    # A stray id of no media item at all counts as withheld too.
    stray = {"media": [], "card": {"caption": "x", "note": "", "ref": "med_stray9"}}
    stray["card"]["note"] = "med_stray9 !"
    with pytest.raises(UnsafePreview):
        leaky.render("leak.test", Channel.IN_APP, stray, safe_mode=False)
    # Allowed items, and ids that merely start like a withheld one, pass.
    shown = media_item("med_nsfwA12", False)
    fine = {"media": [hidden, shown], "card": {"caption": shown["link"], "note": f"id {shown['id']}"}}
    assert leaky.render("leak.test", Channel.IN_APP, fine, safe_mode=False).text == "id med_nsfwA12"
    assert shown["link"] in leaky.render("leak.test", Channel.EMAIL, fine, safe_mode=False).text


def test_a_missing_template_is_named_at_start_up(tmp_path: Path) -> None:
    directory = tmp_path / "templates"
    shutil.copytree(DEFAULT_DIRECTORY, directory)
    (directory / "payout.paid.html").unlink()
    (directory / "order.closed.txt").write_text(LEAKY_TXT.replace("{% block push_body %}Proofs{% endblock %}\n", ""))
    (directory / "refund.issued.txt").write_text('{% extends "_gone.txt" %}')
    (directory / "digest.txt").unlink()
    with pytest.raises(MissingTemplates) as missing:
        Templates(EVENT_TYPES, directory)
    assert set(missing.value.missing) == {
        ("payout.paid", "payout.paid.html"),
        ("order.closed", "order.closed.txt block push_body"),
        ("refund.issued", "refund.issued.txt extends _gone.txt"),
        ("digest", "digest.txt"),
    }
    for name in ("payout.paid.html", "order.closed.txt block push_body", "_gone.txt", "digest.txt"):
        assert name in str(missing.value)
    with pytest.raises(MissingTemplates, match=r"card\.requested\.nothing\.txt"):
        Templates(["card.requested.nothing"])


def test_blocks_render_through_inheritance(tmp_path: Path) -> None:
    (tmp_path / "_grand.txt").write_text(
        "{% block email_subject %}[{{ self.word() }}]{% endblock %}{% block word %}grand{% endblock %}"
        "{% block email_text %}grand text{% endblock %}{% block push_title %}p{% endblock %}"
        "{% block push_body %}b{% endblock %}{% block feed_title %}f{% endblock %}{% block feed_body %}g{% endblock %}"
    )
    (tmp_path / "_parent.txt").write_text(
        '{% extends "_grand.txt" %}{% block email_text %}parent, then {{ super() }}{% endblock %}'
    )
    (tmp_path / "child.event.txt").write_text('{% extends "_parent.txt" %}{% block word %}child{% endblock %}')
    (tmp_path / "_frame.html").write_text("<b>{% block inner %}frame{% endblock %}</b>")
    (tmp_path / "child.event.html").write_text(
        '{% extends "_frame.html" %}{% block inner %}{{ part("word") }} & {{ super() }}{% endblock %}'
    )
    write_set(tmp_path / "unused", "x", "")
    shutil.copy(tmp_path / "unused" / "digest.txt", tmp_path / "digest.txt")
    shutil.copy(tmp_path / "unused" / "digest.html", tmp_path / "digest.html")
    rendered = Templates(["child.event"], tmp_path).render("child.event", Channel.EMAIL, {}, safe_mode=False)
    assert rendered == Rendered(title="[child]", text="parent, then grand text", html="<b>child & frame</b>\n")


def test_html_is_escaped_and_text_is_not(templates: Templates) -> None:
    context = context_for("card.requested.extras")
    context["actor"]["name"] = "<script>alert(1)</script>"
    email = templates.render("card.requested.extras", Channel.EMAIL, context, safe_mode=False)
    assert email.html is not None
    assert "<script>" not in email.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in email.html
    assert "<script>alert(1)</script> added extras worth $150.00" in email.text
    assert email.title.startswith("<script>alert(1)</script> requested extras")


def test_a_title_stays_one_line_and_short(templates: Templates) -> None:
    context = context_for("card.requested.reschedule")
    context["actor"]["name"] = "Alex\nRivera\r\nBcc: everyone@example.com\u2028x"
    for rendered in render_all(templates, "card.requested.reschedule", context, safe_mode=False):
        assert "\n" not in rendered.title and "\r" not in rendered.title and "\u2028" not in rendered.title
    email = templates.render("card.requested.reschedule", Channel.EMAIL, context, safe_mode=False)
    assert email.title.startswith("Alex Rivera Bcc: everyone@example.com x proposed a new time")

    context["actor"]["name"] = "Alexandra " * 20
    push = templates.render("card.requested.reschedule", Channel.PUSH, context, safe_mode=False)
    assert len(push.title) == 65 and push.title.endswith("…")
    assert len(templates.render("card.requested.reschedule", Channel.EMAIL, context, safe_mode=False).title) <= 150
    assert len(push.text) <= 240 and push.text.endswith("…")


@pytest.mark.parametrize(
    "expression",
    [
        "{{ reader.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ reader.items.__self__.__class__ }}",
        "{{ cycler.__init__.__globals__ }}",
    ],
)
def test_templates_run_in_a_sandbox(tmp_path: Path, expression: str) -> None:
    write_set(tmp_path, "escape.test", LEAKY_TXT.replace("{{ card.note }}", expression))
    sandboxed = Templates(["escape.test"], tmp_path)
    with pytest.raises(SecurityError):
        sandboxed.render("escape.test", Channel.IN_APP, {"reader": {"name": "x"}, "card": {}}, safe_mode=False)


def test_the_html_part_helper_is_sandboxed_too(tmp_path: Path) -> None:
    write_set(tmp_path, "escape.test", LEAKY_TXT, html="{{ part.__globals__ }}")
    with pytest.raises(SecurityError):
        Templates(["escape.test"], tmp_path).render(
            "escape.test", Channel.EMAIL, {"card": {"caption": "", "note": ""}}, safe_mode=False
        )


def test_what_the_engine_refuses(templates: Templates, tmp_path: Path) -> None:
    with pytest.raises(KeyError):
        templates.render("order.exploded", Channel.EMAIL, context_for("order.closed"), safe_mode=False)
    with pytest.raises(ValueError, match="not an event type"):
        Templates(["../secrets"], tmp_path)
    with pytest.raises(TypeError, match="JSON-like"):
        safe_context({"order": {"when": object()}}, Channel.EMAIL, safe_mode=False)


def test_media_repeated_across_a_digest_show_and_count_once(templates: Templates) -> None:
    proofs = context_for("card.requested.proofs")
    proofs["media"].append(media_item("med_nsfwA1", True, "beach_nude_03.jpg"))
    items = [proofs | {"title": "Proofs", "text": "Review them."}, proofs | {"title": "Reminder", "text": "Soon."}]
    digest = context_for("digest") | {"items": items, "media": [*proofs["media"], *proofs["media"]]}
    data = safe_context(digest, Channel.EMAIL, safe_mode=False)
    assert [item["id"] for item in data["media"]] == ["med_proof1", "med_proof2"]
    assert data["hidden_media"] == 1
    email = templates.render("digest", Channel.EMAIL, digest, safe_mode=False)
    assert email.html is not None and email.html.count("<img") == 2
    assert "1 item is only shown in the app." in email.text
    assert "beach_nude" not in email.html + email.text


def test_odd_media_entries_are_withheld_without_breaking() -> None:
    media = [None, "med_bare1", ["med_in_list"], {"nsfw": False}, {"id": ["x"], "nsfw": False}, media_item("m", True)]
    data = safe_context({"media": media}, Channel.IN_APP, safe_mode=False)
    assert data["media"] == [{"nsfw": False}]
    assert data["hidden_media"] == 4, "None is nothing to count"
    assert {"id": "med_bare1"} in withheld_media({"media": media}, Channel.IN_APP, safe_mode=False)
