"""Support's cases about an order land on the order's timeline as ``support`` entries.

``support.case.opened``, ``support.case.escalated`` and ``support.case.resolved`` of a case about
an order become entries whose subtype is the event type and whose payload names the case:
``caseId``, ``caseType``, ``state``, and for a resolution its ``note``. A redaction
(``support.case.redacted``) is recorded with who redacted what and why, never the content, so the
order's own history keeps the audit trail. Replies and other updates stay on the case (they are
the case's conversation, not the order's history). A case about no order, or an order orders does
not know, is left off.
"""

from __future__ import annotations

from typing import Any

from callsheet.events.v1.envelope_pb2 import EventEnvelope
from callsheet.support.v1 import events_pb2 as support_events
from callsheet_kit.proto import datetime_of
from services.orders.domain.order import TimelineEntry
from services.orders.usecases.ports import OrdersUnitOfWork

SupportEvent = (
    support_events.SupportCaseOpened
    | support_events.SupportCaseEscalated
    | support_events.SupportCaseResolved
    | support_events.SupportCaseRedacted
)
SUPPORT_EVENTS = (
    support_events.SupportCaseOpened,
    support_events.SupportCaseEscalated,
    support_events.SupportCaseResolved,
    support_events.SupportCaseRedacted,
)


def support_payload(event: SupportEvent) -> dict[str, Any]:
    """What the timeline shows of a case event."""
    case = event.case
    payload: dict[str, Any] = {"caseId": case.id, "caseType": case.type, "state": case.state}
    if isinstance(event, support_events.SupportCaseResolved):
        payload["note"] = event.note
    if isinstance(event, support_events.SupportCaseEscalated):
        payload["reason"] = event.reason
    if isinstance(event, support_events.SupportCaseRedacted):
        payload.update(redactedBy=event.actor_id, target=event.target, reason=event.reason)
    return payload


async def record_support_event(uow: OrdersUnitOfWork, event: SupportEvent, envelope: EventEnvelope) -> None:
    """Appends ``support.case.<what>`` to the case's order's timeline."""
    order_id = event.case.order_id
    if not order_id or await uow.orders.get(order_id) is None:
        return
    await uow.timeline.append(
        order_id,
        TimelineEntry(kind="support", subtype=envelope.type, payload=support_payload(event)),
        actor=envelope.actor_user_id,
        at=datetime_of(envelope.occurred_at) or uow.now,
    )
