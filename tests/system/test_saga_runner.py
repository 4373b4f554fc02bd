"""The kit's saga runner on real PostgreSQL, with small flows whose steps are scripted.

What the booking sagas rely on, proved on the mechanism itself: retries with backoff, a
deadline that switches to compensation, a refusal that compensates at once, escalation when
compensation cannot happen, waiting for a reply event, one driver at a time, a started saga left
to its starter, a stalled driver fenced off, and sweepers of several replicas sharing due sagas
without running one twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import pytest_asyncio
from google.protobuf.wrappers_pb2 import StringValue
from system_client import System

from callsheet_kit.clock import OffsetClock
from callsheet_kit.db import Database, make_engine
from callsheet_kit.errors import DomainError, ErrorCode, unavailable
from callsheet_kit.ids import new_id
from callsheet_kit.saga import (
    Complete,
    Finished,
    Next,
    Outcome,
    RetryPolicy,
    Saga,
    SagaFlow,
    SagaRunner,
    SagaStatus,
    Wait,
)
from services.notify.adapters.tables import kit_tables


@dataclass
class Scripted(SagaFlow):
    """A flow whose step ``do`` fails as scripted, then succeeds; ``undo`` compensates."""

    kind: str = field(default_factory=lambda: new_id("test-flow"))  # type: ignore[misc]
    failures: list[DomainError] = field(default_factory=list)
    undo_failures: int = 0
    calls: list[str] = field(default_factory=list)
    pause: float = 0.0

    async def run(self, saga: Saga) -> Outcome:
        self.calls.append(saga.step)
        await asyncio.sleep(self.pause)
        if saga.step == "do":
            if self.failures:
                raise self.failures.pop(0)
            return Next("finish", {"did": True})
        if saga.step == "finish":
            return Complete(StringValue(value="done"))
        if saga.step == "ask":
            return Wait("answer")
        if saga.step == "answer":
            return Complete(StringValue(value=str(saga.data["reply"])))
        if self.undo_failures:
            self.undo_failures -= 1
            raise unavailable("the peer is away")
        return Complete()

    def compensation(self, saga: Saga, error: DomainError | None) -> str | None:
        return "undo"


@pytest_asyncio.fixture
async def db(system: System) -> AsyncIterator[Database]:
    url = system.stack.service_urls["notify"].replace("postgresql://", "postgresql+psycopg://", 1)
    database = Database(make_engine(url, pool_size=12))
    yield database
    await database.dispose()


def runner(db: Database, flow: SagaFlow, clock: OffsetClock, **policy: int) -> SagaRunner:
    sagas = SagaRunner(db=db, tables=kit_tables, clock=clock, policy=RetryPolicy(**policy))  # type: ignore[arg-type]
    sagas.register(flow)
    return sagas


async def start(
    db: Database, sagas: SagaRunner, flow: SagaFlow, step: str = "do", minutes: int = 5, subject: str = ""
) -> Saga:
    async with db.transaction() as session:
        saga, created = await sagas.start(
            session,
            kind=flow.kind,
            key=new_id("key"),
            subject=subject or new_id("subj"),
            step=step,
            data={},
            deadline=OffsetClock().now() + timedelta(minutes=minutes),
        )
    assert created
    return saga


@pytest.mark.asyncio
async def test_a_transient_failure_is_retried_later_and_then_completes(db: Database) -> None:
    clock = OffsetClock()
    flow = Scripted(failures=[unavailable("payments is away")])
    sagas = runner(db, flow, clock)
    saga = await start(db, sagas, flow)
    waiting = await sagas.drive(saga.saga_id, lease=saga.lease)
    assert (waiting.status, waiting.step, waiting.attempts) == (SagaStatus.RUNNING, "do", 1)
    assert "payments is away" in (waiting.last_error or "")
    early = await sagas.drive(saga.saga_id)  # a repeat before the backoff ends runs nothing
    assert (early.status, early.attempts) == (SagaStatus.RUNNING, 1) and flow.calls == ["do"]
    clock.advance_to(2)
    done = await sagas.drive(saga.saga_id)
    assert done.status is SagaStatus.COMPLETED
    assert done.result() == StringValue(value="done") and done.data == {"did": True}
    assert flow.calls == ["do", "do", "finish"]


@pytest.mark.asyncio
async def test_a_passed_deadline_compensates_and_the_failure_is_final(db: Database) -> None:
    clock = OffsetClock()
    flow = Scripted(failures=[unavailable("away")] * 5)
    sagas = runner(db, flow, clock)
    saga = await start(db, sagas, flow)
    await sagas.drive(saga.saga_id, lease=saga.lease)
    clock.advance_to(10 * 60)
    ended = await sagas.drive(saga.saga_id)
    assert ended.status is SagaStatus.FAILED
    assert (ended.failure().code, ended.failure().reason) == (ErrorCode.FAILED_PRECONDITION, "TIMED_OUT")
    assert flow.calls == ["do", "do", "undo"]


@pytest.mark.asyncio
async def test_a_refusal_compensates_at_once_and_keeps_the_refusal(db: Database) -> None:
    clock = OffsetClock()
    refusal = DomainError(ErrorCode.FAILED_PRECONDITION, "the card was declined", reason="PAYMENT_DECLINED")
    flow = Scripted(failures=[refusal])
    sagas = runner(db, flow, clock)
    saga = await start(db, sagas, flow)
    ended = await sagas.drive(saga.saga_id, lease=saga.lease)
    assert ended.status is SagaStatus.FAILED
    assert ended.failure().reason == "PAYMENT_DECLINED"
    assert flow.calls == ["do", "undo"]


@pytest.mark.asyncio
async def test_a_compensation_that_keeps_failing_is_escalated(db: Database) -> None:
    clock = OffsetClock()
    refusal = DomainError(ErrorCode.FAILED_PRECONDITION, "no", reason="NO")
    flow = Scripted(failures=[refusal], undo_failures=10)
    sagas = runner(db, flow, clock, max_compensation_attempts=2)
    saga = await start(db, sagas, flow)
    first = await sagas.drive(saga.saga_id, lease=saga.lease)
    assert (first.status, first.attempts) == (SagaStatus.COMPENSATING, 1)
    clock.advance_to(5)
    stuck = await sagas.drive(saga.saga_id)
    assert stuck.status is SagaStatus.STUCK and "away" in (stuck.last_error or "")


@pytest.mark.asyncio
async def test_a_saga_waits_for_a_reply_event_and_a_late_reply_changes_nothing(db: Database) -> None:
    clock = OffsetClock()
    flow = Scripted()
    sagas = runner(db, flow, clock)
    saga = await start(db, sagas, flow, step="ask")
    waiting = await sagas.drive(saga.saga_id, lease=saga.lease)
    assert (waiting.status, waiting.step) == (SagaStatus.RUNNING, "answer")
    assert await sagas.sweep() == 0  # nothing is due before the reply or the deadline
    async with db.transaction() as session:
        woken = await sagas.resume(session, kind=flow.kind, subject=saga.subject, data={"reply": 42})
    assert woken == saga.saga_id
    done = await sagas.drive(saga.saga_id)
    assert done.status is SagaStatus.COMPLETED and done.result() == StringValue(value="42")
    async with db.transaction() as session:
        assert await sagas.resume(session, kind=flow.kind, subject=saga.subject, data={"reply": 43}) is None


@pytest.mark.asyncio
async def test_concurrent_drivers_run_each_step_once(db: Database) -> None:
    clock = OffsetClock()
    flow = Scripted(pause=0.1)
    sagas = runner(db, flow, clock)
    saga = await start(db, sagas, flow)
    starter = sagas.drive(saga.saga_id, lease=saga.lease)
    results = await asyncio.gather(starter, *(sagas.drive(saga.saga_id) for _ in range(9)))
    assert {r.status for r in results} == {SagaStatus.COMPLETED}
    assert flow.calls == ["do", "finish"]


@pytest.mark.asyncio
async def test_a_started_saga_is_left_to_its_starter_until_its_lease_ends(db: Database) -> None:
    clock = OffsetClock()
    flow = Scripted()
    sagas = runner(db, flow, clock)
    saga = await start(db, sagas, flow)
    assert await sagas.sweep() == 0  # between the starter's commit and its drive
    assert flow.calls == []
    done = await sagas.drive(saga.saga_id, lease=saga.lease)
    assert done.status is SagaStatus.COMPLETED and flow.calls == ["do", "finish"]

    orphan = await start(db, sagas, flow)  # its starter died before driving it
    clock.advance_to(31)
    assert await sagas.sweep() == 1
    assert (await sagas.get(orphan.saga_id)).status is SagaStatus.COMPLETED


@pytest.mark.asyncio
async def test_a_driver_that_stalled_past_its_lease_changes_nothing(db: Database) -> None:
    clock = OffsetClock()
    stalled = asyncio.Event()
    resumed = asyncio.Event()

    @dataclass
    class Stalling(Scripted):
        async def run(self, saga: Saga) -> Outcome:
            if saga.step == "do" and not stalled.is_set():
                self.calls.append("do (stalled)")
                stalled.set()
                await resumed.wait()
                return Next("finish", {"from": "stalled"})
            return await super().run(saga)

    flow = Stalling()
    sagas = runner(db, flow, clock)
    saga = await start(db, sagas, flow)
    slow = asyncio.create_task(sagas.drive(saga.saga_id, lease=saga.lease))
    await stalled.wait()
    clock.advance_to(31)  # the stalled driver's lease ends; another takes the saga over
    taken = await sagas.drive(saga.saga_id)
    assert taken.status is SagaStatus.COMPLETED and taken.data == {"did": True}
    resumed.set()
    late = await slow
    assert late.status is SagaStatus.COMPLETED and late.data == {"did": True}  # its result was refused
    assert flow.calls == ["do (stalled)", "do", "finish"]


@pytest.mark.asyncio
async def test_sweepers_of_two_replicas_share_due_sagas_without_running_one_twice(db: Database) -> None:
    clock = OffsetClock()
    flow = Scripted(pause=0.05)
    replicas = [runner(db, flow, clock), runner(db, flow, clock)]
    started = [await start(db, replicas[0], flow) for _ in range(6)]
    clock.advance_to(31)  # their starters never drove them; the sweepers take over
    taken = await asyncio.gather(*(replica.sweep() for replica in replicas))
    assert sum(taken) == 6
    assert flow.calls.count("do") == 6 and flow.calls.count("finish") == 6
    assert {(await replicas[0].get(s.saga_id)).status for s in started} == {SagaStatus.COMPLETED}


@pytest.mark.asyncio
async def test_sagas_about_one_subject_run_one_at_a_time_in_the_order_they_started(db: Database) -> None:
    clock = OffsetClock()
    flow = Scripted(failures=[unavailable("the peer is away")])
    sagas = runner(db, flow, clock)
    subject = new_id("subj")
    first = await start(db, sagas, flow, subject=subject)
    second = await start(db, sagas, flow, subject=subject)
    waiting = await sagas.drive(first.saga_id, lease=first.lease)
    assert (waiting.status, waiting.attempts) == (SagaStatus.RUNNING, 1)
    held = await sagas.drive(second.saga_id, lease=second.lease)  # its turn has not come
    assert (held.status, held.step, held.attempts) == (SagaStatus.RUNNING, "do", 0)
    assert flow.calls == ["do"]
    assert not held.leased_at(clock.now())  # let go, so the one that finishes first can hand over
    clock.advance_to(2)
    done = await sagas.drive(first.saga_id)
    assert done.status is SagaStatus.COMPLETED
    for _ in range(100):  # the driver of the first goes on with the second, in the background
        if (await sagas.get(second.saga_id)).status is SagaStatus.COMPLETED:
            break
        await asyncio.sleep(0.05)
    assert (await sagas.get(second.saga_id)).status is SagaStatus.COMPLETED
    assert flow.calls == ["do", "do", "finish", "do", "finish"]


@pytest.mark.asyncio
async def test_progress_between_steps_is_written_when_a_later_step_must_wait(db: Database) -> None:
    clock = OffsetClock()

    @dataclass
    class FailingFinish(Scripted):
        async def run(self, saga: Saga) -> Outcome:
            if saga.step == "finish" and "finish" not in self.calls:
                self.calls.append("finish")
                raise unavailable("the peer is away")
            return await super().run(saga)

    flow = FailingFinish()
    sagas = runner(db, flow, clock)
    saga = await start(db, sagas, flow)
    waiting = await sagas.drive_started(saga)
    # "do" succeeded without a write of its own; the retry's write carries its step and data.
    assert (waiting.status, waiting.step, waiting.data, waiting.attempts) == (
        SagaStatus.RUNNING,
        "finish",
        {"did": True},
        1,
    )
    clock.advance_to(2)
    done = await sagas.drive(saga.saga_id)
    assert done.status is SagaStatus.COMPLETED and flow.calls == ["do", "finish", "finish"]


@pytest.mark.asyncio
async def test_a_starter_runs_its_saga_at_once_only_when_no_earlier_one_of_its_subject_is_unfinished(
    db: Database,
) -> None:
    clock = OffsetClock()
    flow = Scripted(failures=[unavailable("the peer is away")])
    sagas = runner(db, flow, clock)
    subject = new_id("subj")
    first = await start(db, sagas, flow, subject=subject)
    assert first.first_in_line
    second = await start(db, sagas, flow, subject=subject)
    assert not second.first_in_line
    await sagas.drive_started(first)  # fails once and waits for its backoff
    held = await sagas.drive_started(second)
    assert (held.status, held.attempts) == (SagaStatus.RUNNING, 0) and flow.calls == ["do"]


@dataclass
class LocalEffect(SagaFlow):
    """A flow whose one step writes a row of its own service and ends the saga in that transaction."""

    db: Database
    sagas: SagaRunner | None = None
    kind: str = field(default_factory=lambda: new_id("local-flow"))  # type: ignore[misc]
    before_finish: asyncio.Event | None = None
    resume: asyncio.Event | None = None

    async def run(self, saga: Saga) -> Outcome:
        assert self.sagas is not None
        async with self.db.transaction() as session:
            await session.execute(
                kit_tables.inbox.insert().values(
                    consumer=self.kind, event_id=saga.saga_id, processed_at=OffsetClock().now()
                )
            )
            if self.before_finish is not None and self.resume is not None:
                self.before_finish.set()
                await self.resume.wait()
            return Finished(await self.sagas.finish_in(session, saga, response=StringValue(value="made")))


async def effects_of(db: Database, flow: LocalEffect) -> int:
    async with db.transaction() as session:
        rows = await session.execute(kit_tables.inbox.select().where(kit_tables.inbox.c.consumer == flow.kind))
        return len(rows.all())


@pytest.mark.asyncio
async def test_a_step_ends_its_saga_in_the_transaction_of_its_effect(db: Database) -> None:
    clock = OffsetClock()
    flow = LocalEffect(db)
    sagas = runner(db, flow, clock)
    flow.sagas = sagas
    saga = await start(db, sagas, flow)
    done = await sagas.drive_started(saga)
    assert done.status is SagaStatus.COMPLETED and done.result() == StringValue(value="made")
    assert await effects_of(db, flow) == 1


@pytest.mark.asyncio
async def test_a_step_whose_driver_lost_its_lease_leaves_neither_its_effect_nor_the_end(db: Database) -> None:
    clock = OffsetClock()
    before_finish, resume = asyncio.Event(), asyncio.Event()
    flow = LocalEffect(db, before_finish=before_finish, resume=resume)
    sagas = runner(db, flow, clock)
    flow.sagas = sagas
    saga = await start(db, sagas, flow)
    slow = asyncio.create_task(sagas.drive_started(saga))
    await before_finish.wait()
    async with db.transaction() as session:  # another driver takes the lease over meanwhile
        await session.execute(
            kit_tables.saga.update().where(kit_tables.saga.c.saga_id == saga.saga_id).values(lease_owner="lease_other")
        )
    resume.set()
    late = await slow
    assert late.status is SagaStatus.RUNNING  # its end was refused, and its effect with it
    assert await effects_of(db, flow) == 0
