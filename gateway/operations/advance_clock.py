"""advanceClock (REST ``POST /v1/dev/advance-clock``): moves every service's dev clock; dev only, admin only.

GraphQL answers the new time itself, REST an object holding it, so REST has a route of its own.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from fastapi import APIRouter

from callsheet.clock.v1 import clock_pb2
from callsheet_kit.errors import Violations, dev_only, permission_denied
from callsheet_kit.identity import ADMIN, current_caller
from callsheet_kit.validation import INT32_MAX, check_range
from gateway.backends import SERVICES, Backends
from gateway.operation import BackendsDep, Operation
from gateway.shapes import ApiModel, ApiObject, UtcDateTime, timestamp


class AdvanceClockInput(ApiModel):
    """How far to move every service's dev clock."""

    seconds: int


class ClockMoved(ApiModel):
    """The system's time after the move."""

    now: UtcDateTime


async def resolve_advance_clock(backends: Backends, *, seconds: int) -> datetime:
    """Moves every service's dev clock ``seconds`` ahead of the furthest one; returns the new now."""
    if not backends.settings.is_dev:
        raise dev_only()
    if ADMIN not in current_caller().roles:
        raise permission_denied("only an admin may move the clock")
    violations = Violations()
    check_range(violations, "seconds", seconds, low=1, high=INT32_MAX)
    violations.raise_if_any()
    clocks: list[clock_pb2.GetClockResponse] = await asyncio.gather(
        *(backends.call(backends.clock(service).GetClock, clock_pb2.GetClockRequest()) for service in SERVICES)
    )
    # Services may have drifted apart (one restarted, say); move all of them to one offset.
    offset = max(clock.offset_seconds for clock in clocks) + seconds
    moved: list[clock_pb2.SetClockOffsetResponse] = await asyncio.gather(
        *(
            backends.call(
                backends.clock(service).SetClockOffset, clock_pb2.SetClockOffsetRequest(offset_seconds=offset)
            )
            for service in SERVICES
        )
    )
    return max(timestamp(clock.now) for clock in moved)


router = APIRouter(tags=["dev"])


@router.post("/dev/advance-clock", response_model=ClockMoved)
async def advance_clock(body: AdvanceClockInput, backends: BackendsDep) -> ApiObject:
    """Moves every service's dev clock forward; dev only, admin only (GraphQL `advanceClock`)."""
    return {"now": await resolve_advance_clock(backends, seconds=body.seconds)}


OPERATION = Operation("Mutation.advanceClock", resolve_advance_clock, router)
