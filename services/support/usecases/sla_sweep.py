"""The SLA sweeper: cases whose next target has come are marked breached, ESCALATED, and their
queue's agents told — once per clock.

It runs on the service clock (the dev clock moves with ``advanceClock``) and takes due cases with
``FOR UPDATE SKIP LOCKED``, so any number of replicas share the work and none escalates a case
twice. A case whose clock was paused meanwhile has no due time and is not taken; one whose
target moved later (business hours) is looked at again then.
"""

from __future__ import annotations

from collections.abc import Callable

from services.support.domain.cases import CaseType
from services.support.usecases.metrics import count_sla_breaches
from services.support.usecases.ports import SupportUnitOfWork

BATCH = 50


async def sweep_sla(uow_factory: Callable[[], SupportUnitOfWork]) -> int:
    """Escalates the cases past an SLA target; returns how many were looked at."""
    breached: list[tuple[CaseType, list[str]]] = []
    async with uow_factory() as uow:
        due = await uow.cases_due(uow.now, limit=BATCH)
        for case in due:
            queue = await uow.queue(case.queue)
            clocks = case.escalate_overdue(agents=queue.agent_ids if queue else (), now=uow.now)
            if clocks:
                breached.append((case.case_type, clocks))
        await uow.commit()
    for case_type, clocks in breached:  # counted once the escalations are committed
        count_sla_breaches(case_type, clocks)
    return len(due)
