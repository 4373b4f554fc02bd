"""What the gateway accepts from clients, checked before anything is sent to a service.

One set of rules for both faces: the arguments of an operation as GraphQL hands them to its
resolver, or as REST decodes them from the path, the query and the body (the same names, see
``gateway.operation``). Every string is text (no NUL, control characters or lone surrogates) of
bounded length, every JSON document is bounded in size and depth, and a few integers are bounded
in range; the rule of a field follows from its public name. What only one operation needs (a
location's ISO codes, a payment method's shape) is checked in that operation's module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from callsheet_kit.errors import Violations
from callsheet_kit.paging import MAX_CURSOR_LENGTH, MAX_PAGE_SIZE
from callsheet_kit.validation import INT32_MAX, MAX_ID, MAX_NAME, MAX_TEXT, check_json, check_range, check_text


@dataclass(frozen=True)
class TextRule:
    """How long a text field may be, and whether it may hold line breaks and tabs."""

    max_length: int
    multiline: bool = False


# Ids are fields named ``id`` or ``…Id`` (``orderId``, ``quoteId``), as everywhere in the contract.
ID_TEXT = TextRule(MAX_ID)
# Any other text the table below does not name: one line, generously bounded.
DEFAULT_TEXT = TextRule(MAX_TEXT)
TEXT_RULES: dict[str, TextRule] = {
    "idempotencyKey": TextRule(200),
    "after": TextRule(MAX_CURSOR_LENGTH),
    # Stripe's ids run to a few dozen characters; the checkout module checks the shape.
    "paymentMethodId": TextRule(100),
    "roleCode": TextRule(MAX_ID),
    "timezone": TextRule(MAX_ID),
    "quietHoursStart": TextRule(5),
    "quietHoursEnd": TextRule(5),
    "query": TextRule(MAX_NAME),
    "subject": TextRule(MAX_NAME),
    "filename": TextRule(MAX_NAME),
    "contentType": TextRule(MAX_NAME),
    "reason": TextRule(2_000, multiline=True),
    "description": TextRule(MAX_TEXT, multiline=True),
    # A message on a support case, and an agent's note on a change.
    "body": TextRule(MAX_TEXT, multiline=True),
    "note": TextRule(1_000, multiline=True),
    "field": TextRule(MAX_NAME),
}
# Fields that carry a client's JSON document (the contract's JSON scalar).
JSON_FIELDS = frozenset({"location", "payload", "resolution"})
# Integers the services store in 32 bits, or that bound work: (lowest, highest).
INT_RANGES: dict[str, tuple[int, int]] = {
    "first": (1, MAX_PAGE_SIZE),
    "expectedVersion": (0, INT32_MAX),
}


def check_arguments(arguments: Mapping[str, Any]) -> None:
    """Raises INVALID_ARGUMENT naming every argument (``input.quoteId``, ``first``) that breaks a rule."""
    violations = Violations()
    for name, value in arguments.items():
        _check_value(violations, name, name, value)
    violations.raise_if_any()


def text_rule(name: str) -> TextRule:
    """The rule of the text field called ``name``."""
    rule = TEXT_RULES.get(name)
    if rule is not None:
        return rule
    return ID_TEXT if name == "id" or name.endswith("Id") else DEFAULT_TEXT


def _check_value(violations: Violations, path: str, name: str, value: Any) -> None:
    if name in JSON_FIELDS:
        check_json(violations, path, value)
    elif isinstance(value, str):
        rule = text_rule(name)
        check_text(violations, path, value, max_length=rule.max_length, multiline=rule.multiline)
    elif isinstance(value, int) and not isinstance(value, bool):
        bounds = INT_RANGES.get(name)
        if bounds is not None:
            check_range(violations, path, value, low=bounds[0], high=bounds[1])
    elif isinstance(value, Mapping):
        # An input object: its fields by their names.
        for key, item in value.items():
            _check_value(violations, f"{path}.{key}", key, item)
    elif isinstance(value, list | tuple):
        # A list: each item under the list's name.
        for index, item in enumerate(value):
            _check_value(violations, f"{path}[{index}]", name, item)
