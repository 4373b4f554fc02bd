"""The notify service's templates: one Jinja2 sandbox, one choke point for media, one leak guard.

Each event type has ``<event_type>.txt`` (not autoescaped), whose blocks are the short parts of
every channel (``email_subject``, ``email_text``, ``push_title``, ``push_body``, ``feed_title``,
``feed_body``), and ``<event_type>.html`` (autoescaped), the email's HTML. The HTML template can
reuse the copy of the .txt through ``part(name)``, which renders one block of the event's .txt (a
plain string, so autoescaping still applies to it). Files starting with ``_`` are shared bases.

Templates never see the caller's context: :func:`safe_context` makes the copy they render from,
and :meth:`Templates.render` checks the output against everything that copy withheld.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import (
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateNotFound,
    TemplateRuntimeError,
    nodes,
    select_autoescape,
)
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import escape

from services.notify.domain.messages import Channel

DEFAULT_DIRECTORY = Path(__file__).resolve().parent.parent / "templates"
DIGEST = "digest"

# The blocks every event's .txt must define (itself or through the files it extends).
TEXT_BLOCKS = ("email_subject", "email_text", "push_title", "push_body", "feed_title", "feed_body")
_PARTS = {
    Channel.EMAIL: ("email_subject", "email_text"),
    Channel.PUSH: ("push_title", "push_body"),
    Channel.IN_APP: ("feed_title", "feed_body"),
}
_TITLE_LIMITS = {Channel.EMAIL: 150, Channel.PUSH: 65, Channel.IN_APP: 120}
PUSH_BODY_LIMIT = 240

# Event types name files, so they may not climb out of the directory or name a partial.
_EVENT_TYPE = re.compile(r"[a-z0-9][a-z0-9_]*(\.[a-z0-9_]+)*")
_MEDIA_REF = re.compile(r"med_[A-Za-z0-9_-]+")
_MEDIA_FIELDS = ("id", "link", "thumbnail_url", "filename")
_SCALARS = (str, bool, int, float, Decimal, type(None))
# A needle counts only as a whole token: med_1 must not match inside med_12, nor a link inside a longer one.
_TOKEN_EDGE = "A-Za-z0-9_-"
_NO_MEDIA_WHEN_SAFE = frozenset({Channel.EMAIL, Channel.PUSH})


@dataclass(frozen=True)
class Rendered:
    """One message as a channel sends it."""

    title: str
    text: str
    html: str | None


class MissingTemplates(Exception):
    """Some event types lack a template file or block; ``missing`` lists every one."""

    def __init__(self, missing: Iterable[tuple[str, str]]) -> None:
        self.missing = tuple(missing)
        listed = "; ".join(f"{event_type}: {part}" for event_type, part in self.missing)
        super().__init__(f"missing notification templates: {listed}")


class UnsafePreview(Exception):
    """A rendered message carried something of a withheld media item; it must not be sent."""

    def __init__(self, event_type: str, channel: Channel) -> None:
        self.event_type = event_type
        self.channel = channel
        super().__init__(f"the {channel.value} message of {event_type} showed withheld media")


@dataclass(frozen=True)
class _Loaded:
    text_chain: tuple[Template, ...]
    html: Template


class Templates:
    """Every event type's templates, loaded and checked once."""

    def __init__(self, event_types: Iterable[str], directory: Path = DEFAULT_DIRECTORY) -> None:
        """Loads and checks the templates of every event type (plus "digest"), for every channel;
        raises MissingTemplates (at start-up) naming all that are missing. Never a silent skip."""
        self._env = SandboxedEnvironment(
            loader=FileSystemLoader(directory),
            autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False, default=False),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        wanted = frozenset([*event_types, DIGEST])
        for event_type in wanted:
            if not _EVENT_TYPE.fullmatch(event_type):
                raise ValueError(f"not an event type: {event_type!r}")
        missing: list[tuple[str, str]] = []
        loaded: dict[str, _Loaded] = {}
        for event_type in sorted(wanted):
            text_chain = self._chain(f"{event_type}.txt", event_type, missing)
            html_chain = self._chain(f"{event_type}.html", event_type, missing)
            if text_chain is not None:
                defined = {name for template in text_chain for name in template.blocks}
                missing.extend(
                    (event_type, f"{event_type}.txt block {name}") for name in TEXT_BLOCKS if name not in defined
                )
            if text_chain is not None and html_chain is not None:
                loaded[event_type] = _Loaded(text_chain=text_chain, html=html_chain[0])
        if missing:
            raise MissingTemplates(missing)
        self._loaded = loaded

    @property
    def event_types(self) -> frozenset[str]:
        """The event types these templates render, "digest" included."""
        return frozenset(self._loaded)

    def render(self, event_type: str, channel: Channel, context: Mapping[str, Any], *, safe_mode: bool) -> Rendered:
        """Passes the context through safe_context() (the one place media is filtered), renders, then runs the leak guard."""
        loaded = self._loaded.get(event_type)
        if loaded is None:
            raise KeyError(f"no templates for event type {event_type!r}")
        if channel not in _PARTS:
            raise ValueError(f"no templates for channel {channel!r}")
        data = safe_context(context, channel, safe_mode=safe_mode)
        blocks = _block_context(loaded.text_chain, data)
        title_block, text_block = _PARTS[channel]
        raw_title = _render_block(blocks, title_block, event_type)
        raw_text = _render_block(blocks, text_block, event_type)
        title = _one_line(raw_title, _TITLE_LIMITS[channel])
        html = None
        if channel is Channel.EMAIL:

            def part(name: str) -> str:
                return _render_block(blocks, name, event_type).strip()

            text = _paragraphs(raw_text)
            html = loaded.html.render({**data, "part": part, "subject": title}).strip() + "\n"
        else:
            # A push and a feed entry are one paragraph; only a push has a hard limit.
            text = _one_line(raw_text, PUSH_BODY_LIMIT if channel is Channel.PUSH else None)
        rendered = Rendered(title=title, text=text, html=html)
        _guard(
            event_type, channel, _needles(context, data, channel, safe_mode), [raw_title, raw_text, title, text], html
        )
        return rendered

    def _chain(self, name: str, event_type: str, missing: list[tuple[str, str]]) -> tuple[Template, ...] | None:
        """The template and every template it extends, nearest first; None (and noted) when one is missing."""
        chain: list[Template] = []
        current: str | None = name
        while current is not None:
            if any(template.name == current for template in chain):
                raise ValueError(f"{name} extends itself through {current}")
            try:
                template = self._env.get_template(current)
            except TemplateNotFound as absent:
                missing.append((event_type, name if absent.name == name else f"{name} extends {absent.name}"))
                return None
            chain.append(template)
            current = self._parent_of(current)
        return tuple(chain)

    def _parent_of(self, name: str) -> str | None:
        """The template ``name`` extends; only one literal parent is allowed, so the chain is known before rendering."""
        assert self._env.loader is not None
        source, _, _ = self._env.loader.get_source(self._env, name)
        parents = list(self._env.parse(source, name).find_all(nodes.Extends))
        if not parents:
            return None
        target = parents[0].template
        if len(parents) > 1 or not isinstance(target, nodes.Const) or not isinstance(target.value, str):
            raise ValueError(f"{name} must extend exactly one template named by a literal string")
        return target.value


def _block_context(chain: tuple[Template, ...], data: dict[str, Any]) -> Context:
    """A context whose blocks are the chain's, nearest first: what ``{% extends %}`` builds when a
    whole template renders, so one block renders with its overrides, ``super()`` and ``self``."""
    context = chain[0].new_context(data)
    for ancestor in chain[1:]:
        for name, block in ancestor.blocks.items():
            context.blocks.setdefault(name, []).append(block)
    return context


def _render_block(context: Context, name: str, event_type: str) -> str:
    if not isinstance(name, str) or name not in context.blocks:
        raise TemplateRuntimeError(f"{event_type}.txt has no block {name!r}")
    return "".join(context.blocks[name][0](context))


def _one_line(value: str, limit: int | None) -> str:
    # split() also breaks on CR, LF, U+2028 and the other separators a name could smuggle in.
    line = " ".join("".join(" " if ord(char) < 32 or 127 <= ord(char) < 160 else char for char in value).split())
    return line if limit is None else _truncate(line, limit)


def _truncate(value: str, limit: int) -> str:
    if len(value) <= limit:
        return value
    return value[: limit - 1].rstrip() + "…"


def _paragraphs(value: str) -> str:
    lines = [line.rstrip() for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def _is_media_ref(value: Any) -> bool:
    return isinstance(value, str) and _MEDIA_REF.fullmatch(value.strip()) is not None


def _partition(media: Any, channel: Channel, *, safe_mode: bool) -> tuple[list[Mapping[str, Any]], list[Any]]:
    """The media a reader may see on this channel, and the rest."""
    items = list(media) if isinstance(media, list | tuple) else ([] if media is None else [media])
    show = not (safe_mode and channel in _NO_MEDIA_WHEN_SAFE)
    # Only an explicit False is safe: None or anything else is unknown, and unknown counts as NSFW.
    allowed = [item for item in items if show and _explicitly_safe(item)]
    shown = {id(item) for item in allowed}
    withheld = [item for item in items if id(item) not in shown]
    # One id withheld anywhere withholds it everywhere, so a duplicate cannot show it.
    withheld_ids = {_identity(item) for item in withheld}
    withheld += [item for item in allowed if _identity(item) in withheld_ids]
    allowed = [item for item in allowed if _identity(item) not in withheld_ids]
    # A digest carries each item's media, so one item can come twice: show it once.
    unique: dict[str | int, Mapping[str, Any]] = {}
    for item in allowed:
        unique.setdefault(_identity(item), item)
    return list(unique.values()), withheld


def _explicitly_safe(item: Any) -> bool:
    return (
        isinstance(item, Mapping)
        and item.get("nsfw") is False
        and all(isinstance(item.get(field), _SCALARS) for field in _MEDIA_FIELDS)
    )


def _identity(item: Any) -> str | int:
    """A media item's id, or (for one without a usable id) the object itself."""
    found = item.get("id") if isinstance(item, Mapping) else item
    return found if isinstance(found, str) and found else id(item)


def _count(withheld: list[Any]) -> int:
    """How many distinct items were withheld."""
    return len({_identity(item) for item in withheld if item is not None})


_DROPPED = object()


def _scrub(value: Any, at: str) -> Any:
    """A deep copy of ``value`` without any media reference (see :func:`safe_context`)."""
    if isinstance(value, str):
        return _DROPPED if _is_media_ref(value) else value
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, Mapping):
        if "mediaId" in value:
            return _DROPPED
        kept = {}
        for key, inner in value.items():
            if _is_media_ref(key):
                continue
            cleaned = _scrub(inner, f"{at}.{key}")
            if cleaned is not _DROPPED:
                kept[key] = cleaned
        return kept
    if isinstance(value, list | tuple | set | frozenset):
        cleaned_items = (_scrub(inner, f"{at}[{index}]") for index, inner in enumerate(value))
        return [inner for inner in cleaned_items if inner is not _DROPPED]
    # Anything else could carry media in attributes the sandbox lets a template read.
    raise TypeError(f"render context {at} is a {type(value).__name__}; only JSON-like values are allowed")


def _media_item(item: Mapping[str, Any], at: str) -> dict[str, Any]:
    """An allowed item, copied: its own id and links stay, anything nested is scrubbed like the rest."""
    copied: dict[str, Any] = {}
    for key, value in item.items():
        if key in _MEDIA_FIELDS or key == "nsfw":
            copied[key] = value  # plain values: _explicitly_safe checked them
        else:
            cleaned = _scrub(value, f"{at}.{key}")
            if cleaned is not _DROPPED:
                copied[key] = cleaned
    return copied


def safe_context(context: Mapping[str, Any], channel: Channel, *, safe_mode: bool) -> dict[str, Any]:
    """THE one place every template's data passes through. Returns a deep copy where:

    - ``media`` keeps only items whose ``nsfw`` is exactly False (None/unknown counts as NSFW), and
      for EMAIL and PUSH nothing at all when ``safe_mode``;
    - ``hidden_media`` is how many distinct items were withheld;
    - everywhere else every media reference is scrubbed: a string matching ``^med_[A-Za-z0-9_-]+$``
      is removed (from lists the element, from dicts the key), and so is any dict with a
      ``mediaId`` key, so a template can only ever see media through the filtered ``media``;
    - each of a digest's ``items`` is made safe the same way, its own ``media`` included.
    """
    allowed, withheld = _partition(context.get("media"), channel, safe_mode=safe_mode)
    data: dict[str, Any] = {}
    for key, value in context.items():
        if not isinstance(key, str):
            raise TypeError(f"render context keys must be strings, not {key!r}")
        if key in ("media", "hidden_media") or _is_media_ref(key):
            continue
        if key == "items" and isinstance(value, list | tuple):
            data[key] = [
                safe_context(item, channel, safe_mode=safe_mode) if isinstance(item, Mapping) else _scrub(item, "items")
                for item in value
                if not (_is_media_ref(item) or (isinstance(item, Mapping) and "mediaId" in item))
            ]
            continue
        cleaned = _scrub(value, key)
        if cleaned is not _DROPPED:
            data[key] = cleaned
    data["media"] = [_media_item(item, f"media[{index}]") for index, item in enumerate(allowed)]
    data["hidden_media"] = _count(withheld)
    return data


def withheld_media(context: Mapping[str, Any], channel: Channel, *, safe_mode: bool) -> list[dict[str, Any]]:
    """The media items safe_context drops from ``media``, the top level's and each digest item's
    (a bare id as ``{"id": ...}``)."""
    _, withheld = _partition(context.get("media"), channel, safe_mode=safe_mode)
    found = [dict(item) if isinstance(item, Mapping) else {"id": item} for item in withheld if item is not None]
    items = context.get("items")
    if isinstance(items, list | tuple):
        for item in items:
            if isinstance(item, Mapping):
                found.extend(withheld_media(item, channel, safe_mode=safe_mode))
    return found


def _allowed_ids(data: Mapping[str, Any]) -> set[str]:
    ids = {item["id"] for item in data.get("media", []) if isinstance(item.get("id"), str)}
    for item in data.get("items", []) if isinstance(data.get("items"), list) else []:
        if isinstance(item, Mapping):
            ids |= _allowed_ids(item)
    return ids


def _media_refs(value: Any) -> Iterator[str]:
    """Every ``med_…`` string anywhere in ``value``, keys included."""
    if isinstance(value, str):
        if _is_media_ref(value):
            yield value.strip()
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _media_refs(key)
            yield from _media_refs(inner)
    elif isinstance(value, list | tuple | set | frozenset):
        for inner in value:
            yield from _media_refs(inner)


def _needles(context: Mapping[str, Any], data: Mapping[str, Any], channel: Channel, safe_mode: bool) -> set[str]:
    """What no rendered part may contain: each withheld item's id, links and filename, and every
    media id in the caller's context that is not an allowed item."""
    needles = {
        value.strip()
        for item in withheld_media(context, channel, safe_mode=safe_mode)
        for field in _MEDIA_FIELDS
        if isinstance(value := item.get(field), str) and len(value.strip()) >= 3
    }
    return needles | (set(_media_refs(context)) - _allowed_ids(data))


def _guard(event_type: str, channel: Channel, needles: set[str], parts: list[str], html: str | None) -> None:
    patterns = []
    for needle in sorted(needles):
        forms = {needle, str(escape(needle))} if html is not None else {needle}
        for form in forms:
            patterns.append(re.compile(rf"(?<![{_TOKEN_EDGE}]){re.escape(form)}(?![{_TOKEN_EDGE}])", re.IGNORECASE))
    for text in [*parts, *([html] if html is not None else [])]:
        if any(pattern.search(text) for pattern in patterns):
            raise UnsafePreview(event_type, channel)
