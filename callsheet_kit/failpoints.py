"""Failpoints: named places where a test can make a service fail, to prove that flows recover.

``hit("checkout.before_create_order")`` does nothing unless a test armed that name through the
dev-only ``FailpointService`` (etcd's gofail and TiKV's fail-rs are the model). Armed, it raises
``InjectedFault`` or ends the process at once, as a crash would.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from enum import StrEnum

log = logging.getLogger(__name__)


class FailpointAction(StrEnum):
    """What an armed failpoint does."""

    ERROR = "error"
    CRASH = "crash"


class InjectedFault(RuntimeError):
    """The failure an armed failpoint raises."""


@dataclass
class _Armed:
    action: FailpointAction
    remaining: int  # 0: until disarmed


_armed: dict[str, _Armed] = {}


def arm(name: str, action: FailpointAction, times: int = 0) -> None:
    """Makes the next ``times`` passes through ``name`` fail (every pass when 0)."""
    _armed[name] = _Armed(action, times)


def disarm(name: str = "") -> None:
    """Disarms ``name``, or every failpoint."""
    if name:
        _armed.pop(name, None)
    else:
        _armed.clear()


def hit(name: str) -> None:
    """Passes through the failpoint ``name``: nothing happens unless a test armed it."""
    armed = _armed.get(name)
    if armed is None:
        return
    if armed.remaining:
        armed.remaining -= 1
        if not armed.remaining:
            del _armed[name]
    log.warning("failpoint %s fires: %s", name, armed.action.value)
    if armed.action is FailpointAction.CRASH:
        os._exit(70)
    raise InjectedFault(f"failpoint {name}")
