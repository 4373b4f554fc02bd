"""The Stripe test-mode simulator's state in its own tables, so a payments restart loses nothing.

Each simulated API call is one transaction of its own (the simulator stands where Stripe's
servers would, outside payments' units of work); an intent is locked while a call changes it, so
concurrent captures or refunds of one intent are applied one after the other, as Stripe does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from callsheet_kit.db import Database
from services.payments.adapters.provider import SimulatedDispute, SimulatedIntent, SimulatedTransfer, SimulatorState
from services.payments.adapters.tables import (
    stripe_sim_dispute_table,
    stripe_sim_event_table,
    stripe_sim_intent_table,
    stripe_sim_reply_table,
    stripe_sim_transfer_table,
)

_intents, _replies, _transfers = stripe_sim_intent_table, stripe_sim_reply_table, stripe_sim_transfer_table
_disputes, _events = stripe_sim_dispute_table, stripe_sim_event_table


class SqlSimulatorStore:
    """The simulator's intents and idempotent replies in ``pay.stripe_sim_*``."""

    def __init__(self, db: Database) -> None:
        self._db = db

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SimulatorState]:
        """One simulated API call."""
        async with self._db.transaction() as session:
            yield _SqlState(session)


@dataclass
class _SqlState:
    session: AsyncSession

    async def intent(self, intent_id: str) -> SimulatedIntent | None:
        row = (
            await self.session.execute(select(_intents).where(_intents.c.intent_id == intent_id).with_for_update())
        ).first()
        return SimulatedIntent(**row._mapping) if row is not None else None

    async def intent_of_order(self, order_id: str) -> SimulatedIntent | None:
        if not order_id:
            return None
        row = (await self.session.execute(select(_intents).where(_intents.c.order_id == order_id).limit(1))).first()
        return SimulatedIntent(**row._mapping) if row is not None else None

    async def add_intent(self, intent: SimulatedIntent) -> SimulatedIntent:
        await self.session.execute(insert(_intents).values(**_columns(intent)).on_conflict_do_nothing())
        made = await self.intent(intent.intent_id)
        assert made is not None
        return made

    async def save_intent(self, intent: SimulatedIntent) -> None:
        await self.session.execute(
            _intents.update().where(_intents.c.intent_id == intent.intent_id).values(**_columns(intent))
        )

    async def reply(self, key: str) -> dict[str, Any] | None:
        found = (await self.session.execute(select(_replies.c.reply).where(_replies.c.key == key))).scalar()
        return dict(found) if found is not None else None

    async def save_reply(self, key: str, reply: dict[str, Any]) -> None:
        await self.session.execute(insert(_replies).values(key=key, reply=reply).on_conflict_do_nothing())

    async def transfer(self, transfer_id: str) -> SimulatedTransfer | None:
        row = (
            await self.session.execute(
                select(_transfers).where(_transfers.c.transfer_id == transfer_id).with_for_update()
            )
        ).first()
        return SimulatedTransfer(**row._mapping) if row is not None else None

    async def save_transfer(self, transfer: SimulatedTransfer) -> None:
        columns = {
            "transfer_id": transfer.transfer_id,
            "destination": transfer.destination,
            "transfer_group": transfer.transfer_group,
            "amount_cents": transfer.amount_cents,
            "reversed_cents": transfer.reversed_cents,
        }
        await self.session.execute(
            insert(_transfers)
            .values(**columns)
            .on_conflict_do_update(
                index_elements=[_transfers.c.transfer_id], set_={"reversed_cents": transfer.reversed_cents}
            )
        )

    async def dispute(self, dispute_id: str) -> SimulatedDispute | None:
        row = (
            await self.session.execute(select(_disputes).where(_disputes.c.dispute_id == dispute_id).with_for_update())
        ).first()
        return SimulatedDispute(**{**row._mapping, "evidence": dict(row.evidence)}) if row is not None else None

    async def save_dispute(self, dispute: SimulatedDispute) -> None:
        columns = {
            "dispute_id": dispute.dispute_id,
            "intent_id": dispute.intent_id,
            "amount_cents": dispute.amount_cents,
            "currency": dispute.currency,
            "reason": dispute.reason,
            "status": dispute.status,
            "evidence": dict(dispute.evidence),
            "submission_count": dispute.submission_count,
            "due_by": dispute.due_by,
            "created": dispute.created,
        }
        changed = {key: columns[key] for key in ("status", "evidence", "submission_count")}
        await self.session.execute(
            insert(_disputes)
            .values(**columns)
            .on_conflict_do_update(index_elements=[_disputes.c.dispute_id], set_=changed)
        )

    async def queue_event(self, event: dict[str, Any], *, at: datetime) -> None:
        await self.session.execute(
            insert(_events)
            .values(event_id=event["id"], payload=event, attempts=0, next_attempt_at=at)
            .on_conflict_do_nothing()
        )


def _columns(intent: SimulatedIntent) -> dict[str, Any]:
    return {
        "intent_id": intent.intent_id,
        "order_id": intent.order_id,
        "amount_cents": intent.amount_cents,
        "status": intent.status,
        "received_cents": intent.received_cents,
        "refunded_cents": intent.refunded_cents,
        "payment_method": intent.payment_method,
    }
