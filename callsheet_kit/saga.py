"""Sagas: multi-service flows with no cross-service transaction, run by one mechanism.

A saga is a row in the service's ``saga`` table: its kind, the key that makes starting it
idempotent, the step it is at, its data, attempts, the time of its next attempt, its last error
and its deadline. A ``SagaFlow`` says what each step does; steps call other services (never
inside a transaction) and must be idempotent at their owners, because a step may run again after
a crash or a lost reply. The runner drives a saga step by step, holding a short lease on it so
that two drivers (the request that started it, the sweeper of any replica) never run the same
saga at once. The lease names its holder: the request that starts a saga holds it from the
start, so no sweeper takes the saga before its starter drives it, and every write a driver makes
is fenced by its lease, so a driver that lost its lease (it stalled past it and another took
over) changes nothing. A driver other than the holder takes a saga only when its next attempt is
due, so a repeated request never runs a step before its backoff ends. Sagas about one subject run
one at a time, in the order they were started (an order's capture finishes before its
cancellation's refund begins); when one finishes, its driver goes on with the next. A transient
failure is retried with exponential backoff; a permanent one, or a deadline passed, switches the
saga to its compensation steps (an authorization with no order is voided); a saga that can
neither finish nor compensate is escalated (status ``stuck``, an error log and the
``callsheet.saga.stuck`` metric; the definition's ``on_stuck`` may do more).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar

from google.protobuf.message import Message
from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from callsheet_kit.clock import Clock
from callsheet_kit.db import Database
from callsheet_kit.errors import CommonReason, DomainError, ErrorCode, FieldViolation, idempotency_mismatch
from callsheet_kit.idempotency import check_key, pack_response, request_fingerprint, unpack_response
from callsheet_kit.ids import new_id
from callsheet_kit.metrics import GaugeQuery, Reading, SampledGauge, count_from_zero, counter, seconds_since
from callsheet_kit.tables import KitTables

log = logging.getLogger(__name__)

_stuck = counter("callsheet.saga.stuck", "Sagas that could neither finish nor compensate and need a person")
SAGAS = SampledGauge("callsheet.sagas", "Sagas by kind and status: running, compensating and stuck")
SAGA_OVERDUE = SampledGauge(
    "callsheet.saga.overdue",
    "How long ago the most overdue unfinished saga of a kind was due (0 when none is)",
    unit="s",
)

# Failures worth retrying: the peer may answer next time. Anything else is the peer's final word.
TRANSIENT_CODES = frozenset({ErrorCode.UNAVAILABLE, ErrorCode.INTERNAL})


class SagaStatus(StrEnum):
    """Where a saga is in its life."""

    RUNNING = "running"
    COMPENSATING = "compensating"
    COMPLETED = "completed"
    FAILED = "failed"  # ended without its effect; whatever was done was undone
    STUCK = "stuck"  # escalated: a person must look

    @property
    def finished(self) -> bool:
        """True once the saga will not move by itself any more."""
        return self in (SagaStatus.COMPLETED, SagaStatus.FAILED, SagaStatus.STUCK)


# The statuses of a saga that may still act.
UNFINISHED = (SagaStatus.RUNNING.value, SagaStatus.COMPENSATING.value)
# The statuses ``callsheet_sagas`` counts: finished sagas are pruned, and counted by nobody.
GAUGED = (*UNFINISHED, SagaStatus.STUCK.value)


@dataclass
class Saga:
    """A saga as loaded from its row."""

    saga_id: str
    kind: str
    key: str
    subject: str
    status: SagaStatus
    step: str
    data: dict[str, Any]
    attempts: int
    deadline: datetime
    last_error: str | None
    response: bytes | None
    lease_until: datetime | None = None
    lease: str | None = None  # the lease this copy was loaded under, when its loader holds one
    # Whether no earlier saga of its subject was unfinished when this copy was started or leased.
    first_in_line: bool = False
    # The saga of the same subject whose turn came when this one finished, if any (not stored).
    following: str | None = None

    def leased_at(self, now: datetime) -> bool:
        """True if some driver held a live lease on the saga at ``now`` (as of when it was loaded)."""
        return self.lease_until is not None and self.lease_until >= now

    def result(self) -> Message:
        """The response the saga completed with."""
        if self.response is None:
            raise ValueError(f"saga {self.saga_id} has no response")
        return unpack_response(self.response)

    def failure(self) -> DomainError:
        """The error that ended the saga without its effect."""
        stored = self.data.get("failure") or {}
        return DomainError(
            ErrorCode(stored.get("code", ErrorCode.INTERNAL.value)),
            stored.get("message", self.last_error or "the flow failed"),
            reason=stored.get("reason", ""),
            metadata=stored.get("metadata", {}),
            violations=tuple(FieldViolation(field, description) for field, description in stored.get("violations", [])),
        )


@dataclass(frozen=True)
class Next:
    """Go on with ``step``, merging ``data`` into the saga's data."""

    step: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Complete:
    """The saga reached its goal (or, while compensating, undid everything)."""

    response: Message | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Wait:
    """Wait at ``step`` for a reply event (see ``SagaRunner.resume``), or until ``until`` at the latest.

    A step that sent a command through the outbox waits for the reply this way; the consumer of
    the reply resumes the saga with the reply's data. If no reply comes, the sweeper runs the
    step again at ``until`` (by default the saga's deadline), where it can ask again or give up.
    """

    step: str
    data: Mapping[str, Any] = field(default_factory=dict)
    until: datetime | None = None


@dataclass(frozen=True)
class Finished:
    """The step ended the saga itself, in the same local transaction as its effect.

    A step whose effect is a change in this service's own database (checkout's order) records the
    saga's end with ``SagaRunner.finish_in`` inside that change's transaction and returns what it
    gave back: the effect and the end commit together or not at all, in one transaction.
    """

    saga: Saga


Outcome = Next | Complete | Wait | Finished


class LeaseLost(Exception):
    """A driver's lease was taken over by another driver; its writes are refused."""


class SagaFlow(ABC):
    """A base for saga definitions: forward only (a failure is escalated) unless ``compensation`` says otherwise."""

    kind: ClassVar[str]
    # The steps a saga of this kind may be at: its escalations are counted from 0 at each of them.
    steps: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    async def run(self, saga: Saga) -> Outcome:
        """Runs ``saga.step`` (outside any transaction) and says what comes next."""

    def compensation(self, saga: Saga, error: DomainError | None) -> str | None:
        """No compensation: an effect that cannot be had is escalated to a person."""
        return None

    async def on_stuck(self, saga: Saga) -> None:
        """Nothing beyond the error log and the ``callsheet.saga.stuck`` metric."""
        return None


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter; compensation gives up after ``max_compensation_attempts``."""

    base_seconds: float = 0.5
    cap_seconds: float = 300.0
    max_compensation_attempts: int = 20

    def delay(self, attempts: int) -> timedelta:
        """The wait before attempt ``attempts + 1``."""
        seconds = min(self.cap_seconds, self.base_seconds * 2 ** min(attempts, 20))
        return timedelta(seconds=seconds * random.uniform(0.8, 1.2))


class SagaRunner:
    """Starts, drives and sweeps the sagas of one service."""

    def __init__(
        self,
        *,
        db: Database,
        tables: KitTables,
        clock: Clock,
        lease_seconds: float = 30.0,
        policy: RetryPolicy | None = None,
    ) -> None:
        self._db = db
        self._table = tables.saga
        self._clock = clock
        self._lease = timedelta(seconds=lease_seconds)
        self._policy = policy or RetryPolicy()
        self._definitions: dict[str, SagaFlow] = {}
        self._background: set[asyncio.Task[Saga]] = set()
        earlier = self._table.alias("earlier")
        # No saga about the same subject, started before this one, is still unfinished.
        self._first_in_line = ~exists().where(
            earlier.c.subject == self._table.c.subject,
            earlier.c.status.in_(UNFINISHED),
            or_(
                earlier.c.created_at < self._table.c.created_at,
                and_(earlier.c.created_at == self._table.c.created_at, earlier.c.saga_id < self._table.c.saga_id),
            ),
        )

    def register(self, definition: SagaFlow) -> None:
        """Makes a kind of saga runnable here."""
        self._definitions[definition.kind] = definition
        count_from_zero(_stuck, ({"kind": definition.kind, "step": step} for step in definition.steps))

    def gauges(self) -> GaugeQuery | None:
        """``callsheet_sagas`` and ``callsheet_saga_overdue_seconds`` of this service; None without sagas."""
        if not self._definitions:
            return None
        table = self._table
        kinds = list(self._definitions)

        async def read(session: AsyncSession, now: datetime) -> list[Reading]:
            oldest_due = func.min(table.c.next_attempt_at).filter(
                table.c.status != SagaStatus.STUCK.value, table.c.next_attempt_at < now
            )
            rows = await session.execute(
                select(table.c.kind, table.c.status, func.count(), oldest_due)
                .where(table.c.status.in_(GAUGED))
                .group_by(table.c.kind, table.c.status)
            )
            readings = [SAGAS.reading(0, kind=kind, status=status) for kind in kinds for status in GAUGED]
            overdue = dict.fromkeys(kinds, 0.0)
            for kind, status, count, due in rows:
                readings.append(SAGAS.reading(count, kind=kind, status=status))
                overdue[kind] = max(overdue.get(kind, 0.0), seconds_since(due, now))
            readings.extend(SAGA_OVERDUE.reading(seconds, kind=kind) for kind, seconds in overdue.items())
            return readings

        return GaugeQuery([SAGAS, SAGA_OVERDUE], read)

    async def start(
        self,
        session: AsyncSession,
        *,
        kind: str,
        key: str,
        subject: str,
        step: str,
        data: Mapping[str, Any],
        deadline: datetime,
        request: Message | None = None,
    ) -> tuple[Saga, bool]:
        """Starts a saga in the caller's transaction, once per ``(kind, key)``.

        Returns the saga and whether this call started it. A started saga is leased to the caller,
        who drives it after commit with ``drive_started(saga)``; if the caller never does, the
        sweeper takes it once the lease ends. A repeat with a different ``request`` fails with
        IDEMPOTENCY_MISMATCH.
        """
        check_key(key)
        if kind not in self._definitions:
            raise KeyError(f"no saga definition for {kind!r}")
        now = self._clock.now()
        fingerprint = request_fingerprint(request) if request is not None else ""
        lease = new_id("lease")
        inserted = await session.execute(
            insert(self._table)
            .values(
                saga_id=new_id("sga"),
                kind=kind,
                key=key,
                subject=subject,
                status=SagaStatus.RUNNING.value,
                step=step,
                data=dict(data),
                request_hash=fingerprint,
                attempts=0,
                next_attempt_at=now,
                lease_until=now + self._lease,
                lease_owner=lease,
                deadline=deadline,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing()
            .returning(self._table.c.saga_id)
        )
        created = inserted.first() is not None
        row = (
            await session.execute(select(self._table).where(self._table.c.kind == kind, self._table.c.key == key))
        ).one()
        if not created and row.request_hash != fingerprint:
            raise idempotency_mismatch()
        if not created:
            return _saga(row), False
        # Asked in the starting transaction, so the starter can run its first step at once after
        # commit instead of leasing the saga again in a transaction of its own.
        first_in_line = (
            await session.execute(
                select(self._first_in_line).select_from(self._table).where(self._table.c.saga_id == row.saga_id)
            )
        ).scalar_one()
        return _saga(row, lease=lease, first_in_line=bool(first_in_line)), True

    async def get(self, saga_id: str) -> Saga:
        """The saga as it is now."""
        async with self._db.transaction() as session:
            row = (await session.execute(select(self._table).where(self._table.c.saga_id == saga_id))).one()
            return _saga(row)

    async def pending_for(self, session: AsyncSession, subject: str) -> bool:
        """True while a saga about ``subject`` may still act (consumers use it to wait for a subject)."""
        found = await session.execute(
            select(self._table.c.saga_id)
            .where(
                self._table.c.subject == subject,
                self._table.c.status.in_(UNFINISHED),
            )
            .limit(1)
        )
        return found.first() is not None

    async def resume(self, session: AsyncSession, *, kind: str, subject: str, data: Mapping[str, Any]) -> str | None:
        """Wakes the running saga of ``kind`` about ``subject`` with a reply's ``data``, in the caller's transaction.

        Returns the saga's id (drive it after commit), or None when no such saga is running (a
        late or repeated reply changes nothing).
        """
        woken = await session.execute(
            update(self._table)
            .where(
                self._table.c.kind == kind,
                self._table.c.subject == subject,
                self._table.c.status == SagaStatus.RUNNING.value,
            )
            .values(data=self._table.c.data.op("||")(dict(data)), next_attempt_at=self._clock.now())
            .returning(self._table.c.saga_id)
        )
        saga_id: str | None = woken.scalar()
        return saga_id

    async def drive(self, saga_id: str, *, lease: str | None = None) -> Saga:
        """Runs the saga until it finishes or must wait for a retry; returns it as it then is.

        ``lease`` is the lease the caller holds (the one ``start`` gave it). Without one, the saga
        is taken only when its next attempt is due. When another driver holds the saga, waits for
        it to finish or let go (at most one lease), taking the saga over if it lets go unfinished
        and is due; a saga waiting for its backoff or a reply is returned as it is.
        """
        deadline = asyncio.get_running_loop().time() + self._lease.total_seconds()
        while True:
            saga = await self._lease_saga(saga_id, lease)
            if saga is not None:
                return await self._run_leased(saga)
            current = await self.get(saga_id)
            if (
                current.status.finished
                or not current.leased_at(self._clock.now())
                or asyncio.get_running_loop().time() > deadline
            ):
                return current
            await asyncio.sleep(0.05)

    async def drive_started(self, saga: Saga) -> Saga:
        """Drives a saga this process has just started (as ``start`` returned it, after its commit).

        The starter holds the saga's lease from the start; when no earlier saga of its subject was
        unfinished then, its first step runs at once, without leasing it again.
        """
        if saga.lease is not None and saga.first_in_line:
            return await self._run_leased(saga)
        return await self.drive(saga.saga_id, lease=saga.lease)

    def drive_soon(self, saga_id: str, *, lease: str | None = None, started: Saga | None = None) -> None:
        """Drives the saga in the background (the caller answers without waiting for it).

        ``started`` is the saga as ``start`` returned it, when this process started it. If the
        process stops first, the sweeper takes the saga over once its lease ends.
        """
        work = self.drive_started(started) if started is not None else self.drive(saga_id, lease=lease)
        task = asyncio.create_task(work, name=f"saga {saga_id}")
        self._background.add(task)
        task.add_done_callback(self._driven)

    def _driven(self, task: asyncio.Task[Saga]) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("saga driving failed; its sweeper retries it", exc_info=task.exception())

    async def close(self, grace_seconds: float = 5.0) -> None:
        """Lets background drives finish for up to ``grace_seconds``, then cancels the rest."""
        if not self._background:
            return
        _done, pending = await asyncio.wait(set(self._background), timeout=grace_seconds)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    async def sweep(self, *, limit: int = 20) -> int:
        """Drives the sagas whose next attempt is due; returns how many were taken.

        Rows are taken with ``FOR UPDATE SKIP LOCKED`` and leased, so replicas share the work; only
        kinds registered here are taken (a replica of an older release leaves newer kinds alone).
        """
        if not self._definitions:
            return 0
        now = self._clock.now()
        async with self._db.transaction() as session:
            due = (
                await session.execute(
                    select(self._table.c.saga_id)
                    .where(
                        self._table.c.kind.in_(list(self._definitions)),
                        self._table.c.status.in_(UNFINISHED),
                        self._table.c.next_attempt_at <= now,
                        (self._table.c.lease_until.is_(None)) | (self._table.c.lease_until < now),
                        self._first_in_line,
                    )
                    .order_by(self._table.c.next_attempt_at)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            ).scalars()
            ids = list(due)
            lease = new_id("lease")
            rows = (
                (
                    await session.execute(
                        update(self._table)
                        .where(self._table.c.saga_id.in_(ids))
                        .values(lease_until=now + self._lease, lease_owner=lease)
                        .returning(*self._table.c)
                    )
                ).all()
                if ids
                else []
            )
        for row in rows:
            try:
                await self._run_leased(_saga(row, lease=lease, first_in_line=True))
            except Exception:
                log.exception("saga %s could not be driven", row.saga_id)
        return len(rows)

    async def _lease_saga(self, saga_id: str, held: str | None) -> Saga | None:
        now = self._clock.now()
        table = self._table
        free_and_due = ((table.c.lease_until.is_(None)) | (table.c.lease_until < now)) & (
            table.c.next_attempt_at <= now
        )
        takeable = free_and_due if held is None else (table.c.lease_owner == held) | free_and_due
        lease = new_id("lease")
        async with self._db.transaction() as session:
            row = (
                await session.execute(
                    update(table)
                    .where(
                        table.c.saga_id == saga_id,
                        table.c.status.in_(UNFINISHED),
                        takeable,
                        self._first_in_line,
                    )
                    .values(lease_until=now + self._lease, lease_owner=lease)
                    .returning(*table.c)
                )
            ).first()
            if row is None and held is not None:
                # Held but not runnable (an earlier saga of its subject is unfinished): let go, so
                # whoever finishes that one, or the sweeper, takes this one in turn.
                await session.execute(
                    update(table)
                    .where(table.c.saga_id == saga_id, table.c.lease_owner == held)
                    .values(lease_until=None, lease_owner=None)
                )
        return _saga(row, lease=lease, first_in_line=True) if row is not None else None

    async def _next_of_subject(self, session: AsyncSession, subject: str) -> str | None:
        """The saga about ``subject`` whose turn has come, if one is due (in the caller's transaction)."""
        found = await session.execute(
            select(self._table.c.saga_id)
            .where(
                self._table.c.subject == subject,
                self._table.c.kind.in_(list(self._definitions)),
                self._table.c.status.in_(UNFINISHED),
                self._table.c.next_attempt_at <= self._clock.now(),
                self._first_in_line,
            )
            .limit(1)
        )
        saga_id: str | None = found.scalar()
        return saga_id

    async def _run_leased(self, saga: Saga) -> Saga:
        """Runs a leased saga; a driver that loses its lease stops and reports the saga as it is."""
        try:
            ran = await self._run(saga)
        except LeaseLost:
            log.warning("saga %s (%s): lease taken over by another driver", saga.saga_id, saga.kind)
            return await self.get(saga.saga_id)
        if ran.following is not None:
            self.drive_soon(ran.following)
        return ran

    async def _run(self, saga: Saga) -> Saga:
        """Runs steps until the saga finishes, waits, or must retry.

        Progress is written when the saga finishes, waits or fails a step, not between two steps
        that succeed: every step is idempotent at its owner, so a driver that dies between two
        steps is replaced by one that runs the later step again from the last written state. A
        long chain writes (renewing its lease and proving it still holds it) once half the lease
        is gone, so a driver that stalled past its lease stops before its next step.
        """
        definition = self._definitions[saga.kind]
        while not saga.status.finished:
            try:
                outcome = await definition.run(saga)
            except LeaseLost:
                raise
            except DomainError as error:
                if error.code in TRANSIENT_CODES:
                    return await self._retry(definition, saga, str(error))
                return await self._fail(definition, saga, error)
            except Exception as error:
                log.warning("saga %s (%s) step %s failed: %s", saga.saga_id, saga.kind, saga.step, error)
                return await self._retry(definition, saga, f"{type(error).__name__}: {error}")
            if isinstance(outcome, Finished):
                if outcome.saga.saga_id != saga.saga_id or not outcome.saga.status.finished:
                    raise ValueError(f"saga {saga.saga_id}: a step must finish its own saga with finish_in")
                return outcome.saga
            data = {**saga.data, **outcome.data}
            if isinstance(outcome, Wait):
                until = outcome.until or saga.deadline
                return await self._save(saga, step=outcome.step, data=data, attempts=0, next_at=until, lease=False)
            if isinstance(outcome, Next):
                now = self._clock.now()  # after the step, which may have taken long
                if self._lease_half_gone(saga, now):
                    saga = await self._save(saga, step=outcome.step, data=data, attempts=0, next_at=now, lease=True)
                else:
                    saga = replace(saga, step=outcome.step, data=data, attempts=0)
            elif saga.status is SagaStatus.COMPENSATING:
                saga = await self._save(saga, status=SagaStatus.FAILED, data=data, lease=False)
            else:
                response = pack_response(outcome.response) if outcome.response is not None else None
                saga = await self._save(saga, status=SagaStatus.COMPLETED, data=data, response=response, lease=False)
        return saga

    def _lease_half_gone(self, saga: Saga, now: datetime) -> bool:
        return saga.lease_until is None or saga.lease_until - now < self._lease / 2

    async def finish_in(self, session: AsyncSession, saga: Saga, *, response: Message | None = None) -> Saga:
        """Ends a leased saga inside the caller's transaction, the one that makes its last step's effect.

        A running saga completes with ``response``; a compensating one ends FAILED. Raises
        ``LeaseLost`` (so the caller's transaction rolls back, effect included) when another
        driver has taken the saga over. Return ``Finished(saga)`` with what this gives back.
        """
        status = SagaStatus.FAILED if saga.status is SagaStatus.COMPENSATING else SagaStatus.COMPLETED
        packed = pack_response(response) if response is not None else None
        return await self._write(
            session, saga, self._values(saga, lease=False, status=status, response=packed), lease=False
        )

    async def _retry(self, definition: SagaFlow, saga: Saga, error: str) -> Saga:
        now = self._clock.now()
        attempts = saga.attempts + 1
        if saga.status is SagaStatus.RUNNING and now >= saga.deadline:
            step = definition.compensation(saga, None)
            if step is None:
                return await self._escalate(definition, saga, f"deadline passed: {error}")
            failure = _failure(
                CommonReason.TIMED_OUT.error(
                    "the flow did not finish in time and was undone; start again with a new key"
                )
            )
            saga = await self._save(
                saga,
                status=SagaStatus.COMPENSATING,
                step=step,
                data={**saga.data, "failure": failure},
                attempts=0,
                next_at=now,
                last_error=error,
                lease=True,
            )
            return await self._run(saga)
        if saga.status is SagaStatus.COMPENSATING and attempts >= self._policy.max_compensation_attempts:
            return await self._escalate(definition, saga, error)
        return await self._save(
            saga, attempts=attempts, next_at=now + self._policy.delay(attempts), last_error=error, lease=False
        )

    async def _fail(self, definition: SagaFlow, saga: Saga, error: DomainError) -> Saga:
        data = {**saga.data, "failure": saga.data.get("failure") or _failure(error)}
        if saga.status is SagaStatus.COMPENSATING:
            return await self._escalate(definition, saga, f"compensation refused: {error}")
        step = definition.compensation(saga, error)
        if step is None:
            return await self._save(saga, status=SagaStatus.FAILED, data=data, last_error=str(error), lease=False)
        saga = await self._save(
            saga,
            status=SagaStatus.COMPENSATING,
            step=step,
            data=data,
            attempts=0,
            next_at=self._clock.now(),
            last_error=str(error),
            lease=True,
        )
        return await self._run(saga)

    async def _escalate(self, definition: SagaFlow, saga: Saga, error: str) -> Saga:
        log.error("saga %s (%s) is stuck at %s: %s", saga.saga_id, saga.kind, saga.step, error)
        _stuck.add(1, {"kind": saga.kind, "step": saga.step})
        saga = await self._save(saga, status=SagaStatus.STUCK, last_error=error, lease=False)
        try:
            await definition.on_stuck(saga)
        except Exception:
            log.exception("escalating saga %s failed", saga.saga_id)
        return saga

    async def _save(self, saga: Saga, *, lease: bool, **changes: Any) -> Saga:
        """Writes the saga's progress and ``changes`` (see ``_values``) in a transaction of its own."""
        async with self._db.transaction() as session:
            return await self._write(session, saga, self._values(saga, lease=lease, **changes), lease=lease)

    def _values(
        self,
        saga: Saga,
        *,
        lease: bool,
        status: SagaStatus | None = None,
        step: str | None = None,
        data: dict[str, Any] | None = None,
        attempts: int | None = None,
        next_at: datetime | None = None,
        last_error: str | None = None,
        response: bytes | None = None,
    ) -> dict[str, Any]:
        """The columns a write sets: the saga's progress in memory (steps that ran since the last
        write included), what changes now, and the lease kept or let go."""
        now = self._clock.now()
        return {
            "updated_at": now,
            "lease_until": now + self._lease if lease else None,
            "lease_owner": saga.lease if lease else None,
            "status": (status or saga.status).value,
            "step": step if step is not None else saga.step,
            "data": data if data is not None else saga.data,
            "attempts": attempts if attempts is not None else saga.attempts,
            **{
                name: value
                for name, value in (("next_attempt_at", next_at), ("last_error", last_error), ("response", response))
                if value is not None
            },
        }

    async def _write(self, session: AsyncSession, saga: Saga, values: dict[str, Any], *, lease: bool) -> Saga:
        """The fenced write: only the holder of the saga's lease changes it. A saga that finishes
        names, from the same transaction, the saga of its subject whose turn has come."""
        row = (
            await session.execute(
                update(self._table)
                .where(self._table.c.saga_id == saga.saga_id, self._table.c.lease_owner == saga.lease)
                .values(**values)
                .returning(*self._table.c)
            )
        ).first()
        if row is None:
            raise LeaseLost(saga.saga_id)
        written = _saga(row, lease=saga.lease if lease else None, first_in_line=saga.first_in_line)
        if written.status.finished:
            written.following = await self._next_of_subject(session, written.subject)
        return written


def _failure(error: DomainError) -> dict[str, Any]:
    return {
        "code": error.code.value,
        "reason": error.reason,
        "message": error.message,
        "metadata": dict(error.metadata),
        "violations": [[violation.field, violation.description] for violation in error.violations],
    }


def _saga(row: Any, *, lease: str | None = None, first_in_line: bool = False) -> Saga:
    data = row.data if isinstance(row.data, dict) else json.loads(row.data)
    return Saga(
        saga_id=row.saga_id,
        kind=row.kind,
        key=row.key,
        subject=row.subject,
        status=SagaStatus(row.status),
        step=row.step,
        data=data,
        attempts=row.attempts,
        deadline=row.deadline,
        last_error=row.last_error,
        response=row.response,
        lease_until=row.lease_until,
        lease=lease,
        first_in_line=first_in_line,
    )
