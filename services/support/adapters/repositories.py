"""The support unit of work over PostgreSQL: cases, their history, queues, policies and strikes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert

from callsheet_kit.domain import Aggregate
from callsheet_kit.ids import new_id
from callsheet_kit.uow import KitParts, UnitOfWork
from services.support.adapters.tables import (
    case_event_table,
    case_table,
    queue_table,
    sla_policy_table,
    strike_table,
)
from services.support.adapters.wire import encode_event
from services.support.domain.case import REDACTED, SupportCase
from services.support.domain.cases import CaseType
from services.support.domain.sla import BusinessHours, Priority, SlaPolicy, hours_from_json
from services.support.usecases.ports import CaseFilter, CaseView, HistoryRecord, Queue, StrikeRecord

A = TypeVar("A", bound=Aggregate)


def _history(row: object) -> HistoryRecord:
    return HistoryRecord(
        event_id=row.event_id,  # type: ignore[attr-defined]
        kind=row.kind,  # type: ignore[attr-defined]
        actor_user_id=row.actor_user_id or "",  # type: ignore[attr-defined]
        payload=row.payload,  # type: ignore[attr-defined]
        internal=row.internal,  # type: ignore[attr-defined]
        redacted_by=row.redacted_by,  # type: ignore[attr-defined]
        created_at=row.created_at,  # type: ignore[attr-defined]
    )


def _queue(row: object) -> Queue:
    return Queue(
        name=row.name,  # type: ignore[attr-defined]
        agent_ids=tuple(row.agent_ids),  # type: ignore[attr-defined]
        hours=hours_from_json(row.business_hours),  # type: ignore[attr-defined]
    )


class SqlSupportUnitOfWork(UnitOfWork):
    """One transaction of support; every case loaded or added is tracked for its events and history."""

    def __init__(self, parts: KitParts) -> None:
        super().__init__(parts, encode_event)
        self._cases: list[SupportCase] = []

    def track(self, aggregate: A) -> A:
        """Tracks a case for its events and its history entries."""
        if isinstance(aggregate, SupportCase) and not any(seen is aggregate for seen in self._cases):
            self._cases.append(aggregate)
        return super().track(aggregate)

    async def case(self, case_id: str, *, lock: bool = False) -> SupportCase | None:
        """A case (``FOR UPDATE`` when locking)."""
        query = select(SupportCase).where(case_table.c.case_id == case_id)
        if lock:
            query = query.with_for_update()
        found = (await self.session.execute(query)).scalar()
        return self.track(found) if found is not None else None

    async def case_by_key(self, key: str, *, lock: bool = False) -> SupportCase | None:
        """The case opened under a key (``FOR UPDATE`` when locking)."""
        query = select(SupportCase).where(case_table.c.key == key)
        if lock:
            query = query.with_for_update()
        found = (await self.session.execute(query)).scalar()
        return self.track(found) if found is not None else None

    def add_case(self, case: SupportCase) -> None:
        """Adds a new case."""
        self.session.add(case)
        self.track(case)

    async def _write_history(self) -> None:
        """Writes the history entries the tracked cases noted, numbered after the stored ones."""
        await self.session.flush()
        for case in self._cases:
            entries = case.pending_entries()
            if not entries:
                continue
            last = (
                await self.session.execute(
                    select(func.coalesce(func.max(case_event_table.c.seq), 0)).where(
                        case_event_table.c.case_id == case.case_id
                    )
                )
            ).scalar_one()
            await self.session.execute(
                insert(case_event_table),
                [
                    {
                        "event_id": new_id("cev"),
                        "case_id": case.case_id,
                        "seq": last + offset,
                        "kind": entry.kind,
                        "actor_user_id": entry.actor or None,
                        "payload": dict(entry.payload),
                        "internal": entry.internal,
                        "redacted_by": None,
                        "created_at": entry.at,
                    }
                    for offset, entry in enumerate(entries, start=1)
                ],
            )

    async def commit(self) -> None:
        """Writes the history with the changes and their events, then commits."""
        await self._write_history()
        await super().commit()

    async def view(self, case: SupportCase, *, is_staff: bool) -> CaseView:
        """The case and its history so far (internal notes for staff only)."""
        await self._write_history()
        query = select(case_event_table).where(case_event_table.c.case_id == case.case_id)
        if not is_staff:
            query = query.where(case_event_table.c.internal.is_(False))
        rows = (await self.session.execute(query.order_by(case_event_table.c.seq))).all()
        return CaseView(case=case, history=[_history(row) for row in rows])

    async def history_entry(self, case_id: str, event_id: str) -> HistoryRecord | None:
        """One entry of a case's history."""
        row = (
            await self.session.execute(
                select(case_event_table).where(
                    case_event_table.c.case_id == case_id, case_event_table.c.event_id == event_id
                )
            )
        ).first()
        return _history(row) if row is not None else None

    async def redact_entry(self, event_id: str, *, by: str) -> None:
        """Replaces the entry's text with the redaction mark (the trigger allows this change alone)."""
        payload = (
            await self.session.execute(
                select(case_event_table.c.payload).where(case_event_table.c.event_id == event_id).with_for_update()
            )
        ).scalar_one()
        await self.session.execute(
            update(case_event_table)
            .where(case_event_table.c.event_id == event_id)
            .values(payload={**payload, "body": REDACTED}, redacted_by=by)
        )

    async def list_cases(self, query: CaseFilter) -> Sequence[SupportCase]:
        """Cases newest first after the cursor; ``limit`` + 1 of them."""
        conditions = []
        if not query.is_staff:
            conditions.append(case_table.c.participants.contains([query.viewer]))
        if query.states:
            conditions.append(case_table.c.state.in_([state.value for state in query.states]))
        if query.types:
            conditions.append(case_table.c.type.in_([kind.value for kind in query.types]))
        if query.queue:
            conditions.append(case_table.c.queue == query.queue)
        if query.assignee_id:
            conditions.append(case_table.c.assignee_id == query.assignee_id)
        if query.after is not None:
            created, case_id = query.after
            conditions.append(
                or_(
                    case_table.c.created_at < created,
                    and_(case_table.c.created_at == created, case_table.c.case_id < case_id),
                )
            )
        statement = (
            select(SupportCase)
            .where(*conditions)
            .order_by(case_table.c.created_at.desc(), case_table.c.case_id.desc())
            .limit(query.limit + 1)
        )
        return list((await self.session.execute(statement)).scalars())

    async def queue_for(self, case_type: CaseType) -> Queue:
        """The first queue (by name) that takes ``case_type``; a queue of its own name when none does."""
        row = (
            await self.session.execute(
                select(queue_table)
                .where(queue_table.c.case_types.contains([case_type.value]))
                .order_by(queue_table.c.name)
                .limit(1)
            )
        ).first()
        if row is None:
            return Queue(name=case_type.value.lower(), agent_ids=(), hours=None)
        return _queue(row)

    async def queue(self, name: str) -> Queue | None:
        """A queue by name."""
        row = (await self.session.execute(select(queue_table).where(queue_table.c.name == name))).first()
        if row is None:
            return None
        return _queue(row)

    async def policy(self, case_type: CaseType, priority: str, hours: BusinessHours | None) -> SlaPolicy:
        """The policy row of a type and priority; RULES.md's defaults when there is none."""
        row = (
            await self.session.execute(
                select(sla_policy_table).where(
                    sla_policy_table.c.case_type == case_type.value, sla_policy_table.c.priority == priority
                )
            )
        ).first()
        if row is None:
            return SlaPolicy.default(Priority(priority), hours)
        return SlaPolicy(
            first_response=timedelta(seconds=row.first_response_seconds),
            resolution=timedelta(seconds=row.resolution_seconds),
            hours=hours,
        )

    async def cases_due(self, now: datetime, *, limit: int) -> Sequence[SupportCase]:
        """Cases whose next target has come, earliest first, locked."""
        statement = (
            select(SupportCase)
            .where(case_table.c.next_due <= now)
            .order_by(case_table.c.next_due)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [self.track(case) for case in (await self.session.execute(statement)).scalars()]

    async def cases_waking(self, now: datetime, *, limit: int) -> Sequence[SupportCase]:
        """Cases whose flow's timer has come, earliest first, locked."""
        statement = (
            select(SupportCase)
            .where(case_table.c.wake_at <= now)
            .order_by(case_table.c.wake_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [self.track(case) for case in (await self.session.execute(statement)).scalars()]

    async def add_strike(self, strike: StrikeRecord) -> bool:
        """Counts a strike once per user and case."""
        result = await self.session.execute(
            insert(strike_table)
            .values(user_id=strike.user_id, case_id=strike.case_id, kind=strike.kind, created_at=strike.created_at)
            .on_conflict_do_nothing()
            .returning(strike_table.c.user_id)
        )
        return result.first() is not None

    async def withdraw_strikes(self, case_id: str, *, at: datetime) -> None:
        """Withdraws the strikes a case counted."""
        await self.session.execute(
            update(strike_table)
            .where(strike_table.c.case_id == case_id, strike_table.c.withdrawn_at.is_(None))
            .values(withdrawn_at=at)
        )

    async def strikes(self, user_id: str) -> Sequence[StrikeRecord]:
        """A user's strikes, oldest first."""
        rows = await self.session.execute(
            select(strike_table).where(strike_table.c.user_id == user_id).order_by(strike_table.c.created_at)
        )
        return [
            StrikeRecord(
                user_id=row.user_id,
                case_id=row.case_id,
                kind=row.kind,
                created_at=row.created_at,
                withdrawn_at=row.withdrawn_at,
            )
            for row in rows
        ]
