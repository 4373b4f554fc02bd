"""The contract's operations whose capability is not deployed yet, declared in this one place.

Each answers FAILED_PRECONDITION with reason NOT_AVAILABLE, naming its capability. The fields
of an Order that the cards capability fills are empty lists until it is deployed. When a
capability ships, its operations leave this table for modules of their own.
"""

from __future__ import annotations

from typing import Any, NoReturn

from gateway.errors import not_available
from gateway.operation import Operation, Resolve

# GraphQL field → the capability that will serve it.
NOT_DEPLOYED: dict[str, str] = {}

# Fields of an Order that a capability still to come fills (none now).
EMPTY_UNTIL_DEPLOYED: tuple[str, ...] = ()


def _refusal(capability: str) -> Resolve:
    def refuse(*_: Any, **__: Any) -> NoReturn:
        raise not_available(capability)

    return refuse


def _none_yet(*_: Any, **__: Any) -> list[Any]:
    return []


OPERATIONS: tuple[Operation, ...] = (
    *(Operation(field, _refusal(capability)) for field, capability in NOT_DEPLOYED.items()),
    *(Operation(field, _none_yet) for field in EMPTY_UNTIL_DEPLOYED),
)
