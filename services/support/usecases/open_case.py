"""Opening cases: a user's through the front door, and the ones that open by themselves (a DISPUTE
card's booking dispute, a payment's chargeback).

A case goes to the queue of its type, with the SLA policy of its type and priority in force now
snapshotted onto it, counted on the queue's business hours. Cases about an order start their
evidence pack at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from callsheet_kit.errors import Violations, idempotency_mismatch
from callsheet_kit.idempotency import check_key
from callsheet_kit.ids import new_id
from callsheet_kit.uow import transactional
from callsheet_kit.validation import MAX_ID, check_text
from services.support.domain.case import Opening, SupportCase
from services.support.domain.cases import KINDS, CaseType, check_payload
from services.support.domain.errors import SupportReason
from services.support.usecases.ports import CaseView, Command, OrderFacts, SupportUnitOfWork

EVIDENCE = "case-evidence"
# How long an evidence pack is retried before it is escalated to a person.
EVIDENCE_DEADLINE = timedelta(days=2)
MAX_SUBJECT = 200
MAX_DESCRIPTION = 10_000
CASE_TYPES = ", ".join(kind.value for kind in CaseType)


@dataclass(frozen=True)
class OpenCase(Command):
    """A user opens a case (``order``: the order it is about, as the user may see it)."""

    request_id: str
    case_type: str
    order: OrderFacts | None
    order_id: str
    subject: str
    description: str
    payload: Any


@dataclass(frozen=True)
class SystemCase:
    """A case that opens by itself, once per key."""

    key: str
    case_type: CaseType
    opened_by: str
    order_id: str
    participants: tuple[str, ...]
    subject: str
    description: str
    payload: dict[str, Any]
    resolution_due: datetime | None = None
    progress: dict[str, Any] | None = None


def checked_type(value: str) -> CaseType:
    """The case type named ``value``; INVALID_ARGUMENT naming ``type`` otherwise."""
    try:
        return CaseType(value)
    except ValueError:
        violations = Violations()
        violations.add("type", f"must be one of {CASE_TYPES}")
        violations.raise_if_any()
        raise


async def start_evidence(uow: SupportUnitOfWork, case: SupportCase) -> None:
    """Starts the case's evidence pack, once per case (a case about no order has none)."""
    if not case.order_id:
        return
    await uow.start_saga(
        kind=EVIDENCE,
        key=f"{case.case_id}:evidence",
        subject=case.case_id,
        step="gather",
        data={"caseId": case.case_id, "orderId": case.order_id, "type": case.type},
        deadline=uow.now + EVIDENCE_DEADLINE,
    )


async def _new_case(
    uow: SupportUnitOfWork,
    *,
    key: str,
    case_type: CaseType,
    opened_by: str,
    order_id: str | None,
    participants: tuple[str, ...],
    subject: str,
    description: str,
    payload: dict[str, Any],
    resolution_due: datetime | None = None,
    progress: dict[str, Any] | None = None,
) -> SupportCase:
    kind = KINDS[case_type]
    queue = await uow.queue_for(case_type)
    policy = await uow.policy(case_type, kind.priority.value, queue.hours)
    case = SupportCase.open(
        Opening(
            case_id=new_id("case"),
            key=key,
            case_type=case_type,
            opened_by=opened_by,
            order_id=order_id,
            participants=participants,
            subject=subject,
            description=description,
            payload=payload,
            queue=queue.name,
            priority=kind.priority,
            policy=policy,
            agents=queue.agent_ids,
            resolution_due=resolution_due,
            progress=progress or {},
        ),
        now=uow.now,
    )
    uow.add_case(case)
    await start_evidence(uow, case)
    return case


@transactional(idempotency="support.open")
async def open_case(uow: SupportUnitOfWork, command: OpenCase) -> CaseView:
    """Opens a user's case after every check of its type; once per user and key."""
    check_key(command.request_id)
    case_type = checked_type(command.case_type)
    kind = KINDS[case_type]
    if kind.system_only:
        raise SupportReason.SYSTEM_ONLY.error(
            f"{case_type.value} cases open by themselves"
            + (
                " from a DISPUTE card on the order"
                if case_type is CaseType.BOOKING_DISPUTE
                else " from the card network"
            )
        )
    violations = Violations()
    check_text(violations, "subject", command.subject, max_length=MAX_SUBJECT, required=True)
    check_text(
        violations, "description", command.description, max_length=MAX_DESCRIPTION, required=True, multiline=True
    )
    check_text(violations, "order_id", command.order_id, max_length=MAX_ID)
    if kind.needs_order and not command.order_id:
        violations.add("order_id", f"is required for a {case_type.value} case")
    payload = check_payload(case_type, command.payload, violations)
    violations.raise_if_any()
    caller = command.caller.user_id
    key = f"user:{caller}:{command.request_id}"
    made = await uow.case_by_key(key)
    if made is not None:
        if made.type != case_type.value:
            raise idempotency_mismatch()
        return await uow.view(made, is_staff=command.caller.is_staff)
    case = await _new_case(
        uow,
        key=key,
        case_type=case_type,
        opened_by=caller,
        order_id=command.order.order_id if command.order is not None else None,
        participants=(caller,),
        subject=command.subject.strip(),
        description=command.description.strip(),
        payload=payload,
    )
    return await uow.view(case, is_staff=command.caller.is_staff)


async def open_system_case(uow: SupportUnitOfWork, opening: SystemCase) -> SupportCase:
    """Opens a case by itself once per key (an event delivered twice opens one case)."""
    made = await uow.case_by_key(opening.key)
    if made is not None:
        return made
    violations = Violations()
    payload = check_payload(opening.case_type, opening.payload, violations)
    violations.raise_if_any()
    return await _new_case(
        uow,
        key=opening.key,
        case_type=opening.case_type,
        opened_by=opening.opened_by,
        order_id=opening.order_id or None,
        participants=opening.participants,
        subject=opening.subject,
        description=opening.description,
        payload=payload,
        resolution_due=opening.resolution_due,
        progress=opening.progress,
    )
