"""What happened, as notify keeps it, and the render context each reader's message is made from.

Events arrive in their services' shapes; the consumers turn each into an ``Occurrence`` (plain
facts, no protos), and ``context_for`` writes it for one reader: times in the reader's time zone,
amounts in their currency, names from the user directory, links into the app, and every media
item a card refers to with what is known of it (templates only ever see media after
``rendering.safe_context`` has filtered them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from services.notify.domain.messages import Category
from services.notify.domain.routing import Participants, family_of

_MEDIA_ID = re.compile(r"^med_[A-Za-z0-9_-]+$")
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$"}
_CAUTION: dict[bool | None, int] = {False: 0, None: 1, True: 2}
_ZERO_DECIMAL = {"JPY", "KRW", "VND", "CLP", "ISK", "HUF", "TWD", "UGX"}


@dataclass(frozen=True)
class OrderFacts:
    """An order as notify knows it."""

    id: str
    buyer_id: str
    provider_id: str
    role_code: str
    start_utc: datetime
    end_utc: datetime
    timezone: str
    state: str

    @property
    def participants(self) -> Participants:
        """Its buyer and provider."""
        return Participants(buyer_id=self.buyer_id, provider_id=self.provider_id)


@dataclass(frozen=True)
class CardFacts:
    """A card as its event carried it."""

    id: str
    type: str
    state: str
    created_by: str
    due_at: datetime | None
    expires_at: datetime | None
    payload: Mapping[str, Any]
    progress: Mapping[str, Any]
    response_action: str = ""
    responded_by: str = ""
    response_payload: Mapping[str, Any] = field(default_factory=dict)
    reason: str = ""
    # True while the card waits on its creator (a proofs card's new round after a change request).
    awaits_creator: bool = False


@dataclass(frozen=True)
class MoneyFacts:
    """The amount an event moved."""

    amount_cents: int
    currency: str
    reason: str = ""


@dataclass(frozen=True)
class DisputeFacts:
    """A card-network chargeback."""

    reason: str
    due_by: datetime | None


@dataclass(frozen=True)
class CaseFacts:
    """A support case as its event carried it."""

    id: str
    type: str
    state: str
    priority: str
    subject: str
    due: datetime | None
    recipient_ids: tuple[str, ...]
    change: str = ""
    note: str = ""


@dataclass(frozen=True)
class Occurrence:
    """One event, as notify tells it."""

    event_id: str
    event_type: str
    occurred_at: datetime
    actor_id: str
    order_id: str
    card: CardFacts | None = None
    money: MoneyFacts | None = None
    dispute: DisputeFacts | None = None
    case: CaseFacts | None = None
    # Where the event names them itself (payments); otherwise the order's.
    participants: Participants | None = None


def format_time(moment: datetime | None, timezone: str) -> str:
    """``Fri 4 Dec 2026, 09:00 CET`` in the reader's zone; "" for no time."""
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local.tzname()}"


def format_money(amount_cents: int, currency: str) -> str:
    """``$123.45``; currencies without a symbol here as ``123.45 CHF``; zero-decimal ones whole."""
    code = currency.upper()
    sign = "-" if amount_cents < 0 else ""
    cents = abs(amount_cents)
    number = f"{cents:,}" if code in _ZERO_DECIMAL else f"{cents // 100:,}.{cents % 100:02d}"
    symbol = _SYMBOLS.get(code)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {code}"


def media_of(occurrence: Occurrence, *, app_url: str) -> list[dict[str, Any]]:
    """Every media item the event's card refers to, once each: what is known of whether it is
    NSFW (only proof galleries say; unknown counts as NSFW later), and where the app shows it."""
    if occurrence.card is None:
        return []
    known: dict[str, bool | None] = {}
    for found, nsfw in _media_refs(
        [occurrence.card.payload, occurrence.card.progress, occurrence.card.response_payload]
    ):
        # The most cautious word a card gives an item wins: NSFW anywhere, then unknown, then safe.
        if found not in known or _CAUTION[nsfw] > _CAUTION[known[found]]:
            known[found] = nsfw
    base = f"{app_url}/orders/{occurrence.order_id}/media"
    return [
        {
            "id": item,
            "nsfw": nsfw,
            "filename": None,
            "link": f"{base}/{item}",
            "thumbnail_url": f"{base}/{item}/thumbnail",
        }
        for item, nsfw in known.items()
    ]


def _media_refs(value: Any) -> Iterator[tuple[str, bool | None]]:
    if isinstance(value, Mapping):
        if isinstance(value.get("mediaId"), str):
            nsfw = value.get("nsfw")
            yield value["mediaId"], nsfw if isinstance(nsfw, bool) else None
        for inner in value.values():
            yield from _media_refs(inner)
    elif isinstance(value, list | tuple):
        for inner in value:
            yield from _media_refs(inner)
    elif isinstance(value, str) and _MEDIA_ID.match(value):
        yield value, None


@dataclass(frozen=True)
class ReaderFacts:
    """Who a message is for."""

    user_id: str
    name: str
    timezone: str


def context_for(
    occurrence: Occurrence,
    *,
    reader: ReaderFacts,
    order: OrderFacts | None,
    names: Mapping[str, str],
    category: Category,
    app_url: str,
) -> dict[str, Any]:
    """The render context of ``occurrence`` for ``reader`` (the shape templates are written against)."""
    tz = reader.timezone
    participants = occurrence.participants or (order.participants if order else None)
    order_link = f"{app_url}/orders/{occurrence.order_id}" if occurrence.order_id else ""
    context: dict[str, Any] = {
        "event_type": occurrence.event_type,
        "category": category.value,
        "app_url": app_url,
        "reader": {
            "user_id": reader.user_id,
            "name": reader.name,
            "role": participants.role_of(reader.user_id) if participants else "agent",
        },
        "actor": None,
        "counterpart": None,
        "order": None,
        "card": None,
        "money": None,
        "dispute": None,
        "case": None,
        "deadline": "",
        "media": media_of(occurrence, app_url=app_url),
        "items": [],
    }
    if occurrence.actor_id:
        context["actor"] = {
            "user_id": occurrence.actor_id,
            "name": names.get(occurrence.actor_id, occurrence.actor_id),
            "is_reader": occurrence.actor_id == reader.user_id,
        }
    if participants and reader.user_id in participants.both:
        other = participants.counterpart_of(reader.user_id)
        context["counterpart"] = {"user_id": other, "name": names.get(other, other)}
    if order is not None:
        context["order"] = {
            "id": order.id,
            "link": order_link,
            "role_code": order.role_code,
            "start": format_time(order.start_utc, tz),
            "state": order.state,
        }
    if (card := occurrence.card) is not None:
        slots = card.payload.get("slots") if card.type == "reschedule" else None
        context["card"] = {
            "id": card.id,
            "type": card.type,
            "state": card.state,
            "link": f"{order_link}/cards/{card.id}",
            "due": format_time(card.due_at, tz),
            "expires": format_time(card.expires_at, tz),
            "payload": dict(card.payload),
            "slots": [_slot(slot, tz) for slot in slots] if isinstance(slots, list) else [],
            "response": (
                {"action": card.response_action, "by_reader": card.responded_by == reader.user_id}
                if card.response_action
                else None
            ),
            "reason": card.reason,
        }
        if family_of(occurrence.event_type) in ("card.requested", "card.expiring", "card.reopened"):
            context["deadline"] = context["card"]["expires"] or context["card"]["due"]
    if (money := occurrence.money) is not None:
        context["money"] = {"amount": format_money(money.amount_cents, money.currency), "reason": money.reason}
    if (dispute := occurrence.dispute) is not None:
        context["dispute"] = {"reason": dispute.reason, "due_by": format_time(dispute.due_by, tz)}
    if (case := occurrence.case) is not None:
        context["case"] = {
            "id": case.id,
            "type": case.type,
            "state": case.state,
            "priority": case.priority,
            "subject": case.subject,
            "link": f"{app_url}/support/cases/{case.id}",
            "due": format_time(case.due, tz),
            "change": case.change,
            "note": case.note,
        }
        if occurrence.event_type != "support.case.resolved":
            context["deadline"] = context["case"]["due"] if context["reader"]["role"] == "agent" else ""
    return context


def _slot(slot: Any, timezone: str) -> str:
    """A proposed slot, e.g. ``Sat 5 Dec 2026, 10:00 CET – 12:00``."""
    try:
        start = datetime.fromisoformat(str(slot["startUtc"]).replace("Z", "+00:00"))
        end = datetime.fromisoformat(str(slot["endUtc"]).replace("Z", "+00:00"))
    except (KeyError, TypeError, ValueError):
        return ""
    return f"{format_time(start, timezone)} – {end.astimezone(ZoneInfo(timezone)):%H:%M}"


def digest_context(items: list[dict[str, Any]], *, titles: list[tuple[str, str]]) -> dict[str, Any]:
    """The context of one email (or push) carrying several held messages about one order: the
    newest item's frame, with each item's own context and its title and text."""
    frame = dict(items[-1])
    frame["event_type"] = "digest"
    frame["category"] = (
        Category.TRANSACTIONAL.value
        if any(item.get("category") == Category.TRANSACTIONAL.value for item in items)
        else Category.OPTIONAL.value
    )
    frame["items"] = [{**item, "title": title, "text": text} for item, (title, text) in zip(items, titles, strict=True)]
    frame["media"] = [media for item in items for media in item.get("media", [])]
    frame["deadline"] = next((item["deadline"] for item in items if item.get("deadline")), "")
    return frame
