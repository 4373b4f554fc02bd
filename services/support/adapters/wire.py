"""Cases as protobuf messages, and the events support publishes."""

from __future__ import annotations

import json
from typing import Any

from google.protobuf.message import Message

from callsheet.support.v1 import events_pb2, support_pb2
from callsheet_kit.domain import Aggregate, DomainEvent
from callsheet_kit.proto import timestamp
from services.support.domain.case import (
    CaseEscalated,
    CaseEvent,
    CaseOpened,
    CaseRedacted,
    CaseResolved,
    CaseUpdated,
    SupportCase,
)
from services.support.usecases.ports import CaseView, HistoryRecord


def to_json(value: Any) -> str:
    """JSON as the API carries it: compact, keys sorted."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def encode_summary(case: SupportCase) -> support_pb2.CaseSummary:
    """What events carry of a case."""
    summary = support_pb2.CaseSummary(
        id=case.case_id,
        type=case.type,
        state=case.state,
        priority=case.priority,
        subject=case.subject,
        order_id=case.order_id or "",
        opened_by=case.opened_by,
        sla_breached=case.sla_breached,
    )
    if case.first_response_due is not None:
        summary.first_response_due.CopyFrom(timestamp(case.first_response_due))
    if case.resolution_due is not None:
        summary.resolution_due.CopyFrom(timestamp(case.resolution_due))
    return summary


def encode_history(entry: HistoryRecord) -> support_pb2.CaseEvent:
    """One entry of a case's history."""
    return support_pb2.CaseEvent(
        id=entry.event_id,
        kind=entry.kind,
        actor_user_id=entry.actor_user_id,
        payload_json=to_json(entry.payload),
        created_at=timestamp(entry.created_at),
    )


def encode_case(view: CaseView, *, evidence_url: str = "") -> support_pb2.SupportCase:
    """A case as the API shows it."""
    case = view.case
    message = support_pb2.SupportCase(
        summary=encode_summary(case),
        version=case.version,
        assignee_id=case.assignee_id or "",
        queue=case.queue,
        description=case.description,
        payload_json=to_json(case.payload),
        events=[encode_history(entry) for entry in view.history],
        evidence_pack_url=evidence_url,
        resolution_json=to_json(case.resolution) if case.resolution is not None else "",
        created_at=timestamp(case.created_at),
        updated_at=timestamp(case.updated_at),
    )
    if case.resolved_at is not None:
        message.resolved_at.CopyFrom(timestamp(case.resolved_at))
    return message


def encode_event(aggregate: Aggregate, event: DomainEvent) -> Message | None:
    """The message published for a case's event (``support.case.<what>``)."""
    if not isinstance(aggregate, SupportCase) or not isinstance(event, CaseEvent):
        return None
    summary, recipients = encode_summary(aggregate), list(event.recipients)
    match event:
        case CaseOpened():
            return events_pb2.SupportCaseOpened(case=summary, recipient_ids=recipients)
        case CaseUpdated():
            return events_pb2.SupportCaseUpdated(case=summary, recipient_ids=recipients, change=event.change)
        case CaseEscalated():
            return events_pb2.SupportCaseEscalated(case=summary, recipient_ids=recipients, reason=event.reason)
        case CaseResolved():
            return events_pb2.SupportCaseResolved(case=summary, recipient_ids=recipients, note=event.note)
        case CaseRedacted():
            return events_pb2.SupportCaseRedacted(
                case=summary, actor_id=event.actor, target=event.target, reason=event.reason
            )
    return None
