"""The unit of work: one use case, one transaction, its events and its idempotency key.

A use case runs inside a ``UnitOfWork``: it loads aggregates through the service's repositories
(which ``track`` them), asks them to change, and the unit of work commits. On commit it collects
the events the tracked aggregates recorded and writes them to the outbox in the same transaction
(cosmicpython's ``collect_new_events``), then claims-and-stores the idempotency key's response.
Nothing is published for a rolled-back change. Inside a unit of work no RPC can be made (see
``callsheet_kit.db.require_no_transaction``); work for after the commit is queued with
``after_commit``.

Servicers call ``execute``: decode the request into a command, run the use case, encode the
result. A use case declares its idempotency scope once, with ``transactional``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar

from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncSession

from callsheet_kit.clock import Clock
from callsheet_kit.db import Database, lost_connection, transaction_scope
from callsheet_kit.domain import Aggregate, DomainEvent
from callsheet_kit.events import Outbox
from callsheet_kit.idempotency import IdempotencyStore
from callsheet_kit.identity import current_caller
from callsheet_kit.saga import Saga, SagaRunner

log = logging.getLogger(__name__)

A = TypeVar("A", bound=Aggregate)
U = TypeVar("U")
C = TypeVar("C")
T = TypeVar("T")
R = TypeVar("R", bound=Message)

# Turns a domain event of an aggregate into the proto message published for it, or None for
# events that stay inside the service (e.g. timeline-only facts).
EventEncoder = Callable[[Aggregate, DomainEvent], Message | None]
AfterCommit = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class KitParts:
    """What every unit of work of a service shares."""

    db: Database
    outbox: Outbox
    idempotency: IdempotencyStore
    clock: Clock
    sagas: SagaRunner


class UnitOfWork:
    """One transaction of one use case. Services subclass it to add their repositories."""

    session: AsyncSession
    now: datetime
    # The service clock when the transaction committed (None before): when its effects became visible.
    committed_at: datetime | None = None

    def __init__(self, parts: KitParts, encode: EventEncoder) -> None:
        self._parts = parts
        self._encode = encode
        self._seen: list[Aggregate] = []
        self._after: list[AfterCommit] = []
        self._claim: tuple[str, str] | None = None
        self._committed = False
        self._scope = ExitStack()

    async def __aenter__(self) -> Self:
        self._scope.enter_context(transaction_scope())
        self.session = self._parts.db.session()
        await self.session.begin()
        # One "now" per transaction: every timestamp a use case writes agrees with the others.
        self.now = self._parts.clock.now()
        self._seen, self._after, self._claim, self._committed = [], [], None, False
        self.committed_at = None
        self.open_repositories()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            if not self._committed:
                # What was read stays readable after the transaction (a use case may return it);
                # a rollback would otherwise expire every loaded object.
                self.session.expunge_all()
                await self.session.rollback()
                self._after.clear()
        finally:
            await self.session.close()
            self._scope.close()

    def open_repositories(self) -> None:
        """Makes the service's repositories over ``self.session``; subclasses override it."""

    def track(self, aggregate: A) -> A:
        """Remembers an aggregate whose events are published on commit; returns it."""
        if not any(seen is aggregate for seen in self._seen):
            self._seen.append(aggregate)
        return aggregate

    def after_commit(self, work: AfterCommit) -> None:
        """Runs ``work`` after a successful commit, outside the transaction (e.g. a saga's next step)."""
        self._after.append(work)

    async def start_saga(
        self,
        *,
        kind: str,
        key: str,
        subject: str,
        step: str,
        data: Mapping[str, Any],
        deadline: datetime,
        request: Message | None = None,
        drive_after_commit: bool = True,
    ) -> tuple[Saga, bool]:
        """Starts a saga in this transaction, once per kind and key; returns it and whether it is new.

        Unless told otherwise, the saga is driven in the background right after commit (the use
        case answers without waiting for it; its sweeper retries it if that fails). A repeat with
        a different ``request`` fails with IDEMPOTENCY_MISMATCH.
        """
        saga, created = await self._parts.sagas.start(
            self.session,
            kind=kind,
            key=key,
            subject=subject,
            step=step,
            data=data,
            deadline=deadline,
            request=request,
        )
        if drive_after_commit:

            async def drive() -> None:
                self._parts.sagas.drive_soon(saga.saga_id, started=saga)

            self.after_commit(drive)
        return saga, created

    async def saga_pending(self, subject: str) -> bool:
        """True while a saga about ``subject`` may still act."""
        return await self._parts.sagas.pending_for(self.session, subject)

    async def finish_saga(self, saga: Saga, *, response: Message | None = None) -> Saga:
        """Ends a saga this step's driver holds, committing with this transaction (see ``SagaRunner.finish_in``)."""
        return await self._parts.sagas.finish_in(self.session, saga, response=response)

    async def resume_saga(self, *, kind: str, subject: str, data: Mapping[str, Any]) -> bool:
        """Wakes a waiting saga with a reply's data in this transaction; it is driven right after commit."""
        saga_id = await self._parts.sagas.resume(self.session, kind=kind, subject=subject, data=data)
        if saga_id is None:
            return False

        async def drive() -> None:
            self._parts.sagas.drive_soon(saga_id)

        self.after_commit(drive)
        return True

    async def claim(self, *, scope: str, key: str, request: Message) -> Message | None:
        """Claims an idempotency key for this transaction; returns the stored response of a repeat."""
        replay = await self._parts.idempotency.claim(self.session, scope=scope, key=key, request=request, now=self.now)
        if replay is None:
            self._claim = (scope, key)
        return replay

    async def peek(self, *, scope: str, key: str, request: Message) -> Message | None:
        """The stored response of an earlier success of a key, without claiming it (see ``IdempotencyStore.peek``)."""
        return await self._parts.idempotency.peek(self.session, scope=scope, key=key, request=request)

    async def remember(self, response: Message) -> None:
        """Stores the response of the claimed key, if one was claimed."""
        if self._claim is not None:
            scope, key = self._claim
            await self._parts.idempotency.remember(self.session, scope=scope, key=key, response=response)

    async def on_event(self, aggregate: Aggregate, event: DomainEvent) -> None:
        """A hook for projections kept in the same transaction (e.g. an order's timeline)."""

    def on_committed(self, aggregate: Aggregate, event: DomainEvent) -> None:
        """A hook for what an event counts once it is committed (a service's metrics); no I/O.

        Called after the commit for every event the transaction recorded, so what it counts
        happened exactly as often as it was committed.
        """

    async def commit(self) -> None:
        """Writes the recorded events to the outbox and commits."""
        await self.session.flush()
        written: list[tuple[Aggregate, DomainEvent]] = []
        while pending := [(aggregate, aggregate.pull_events()) for aggregate in self._seen]:
            if not any(events for _, events in pending):
                break
            for aggregate, events in pending:
                for event in events:
                    written.append((aggregate, event))
                    await self.on_event(aggregate, event)
                    message = self._encode(aggregate, event)
                    if message is not None:
                        await self._parts.outbox.emit(
                            self.session,
                            message,
                            subject=aggregate.event_subject,
                            actor_user_id=event.actor,
                            occurred_at=event.occurred_at,
                        )
            await self.session.flush()
        await self.session.commit()
        self._committed = True
        self.committed_at = self._parts.clock.now()
        for aggregate, event in written:
            try:
                self.on_committed(aggregate, event)
            except Exception:
                # The change is committed: a failure to count it must not turn it into an error.
                log.exception("counting %s failed", type(event).__name__)

    async def run_after_commit(self) -> None:
        """Runs the queued after-commit work; a failure is logged, as the work's owner retries it."""
        work, self._after = self._after, []
        for item in work:
            try:
                await item()
            except Exception:
                log.exception("after-commit work failed; its sweeper will retry it")


class Transaction(Protocol):
    """What use cases and ``execute`` need of any unit of work (the SQL one, or a test's in-memory one).

    Each service's port extends it with its repositories.
    """

    @property
    def now(self) -> datetime:
        """The one "now" of this transaction, from the service clock."""
        ...

    async def __aenter__(self) -> Self:
        """Opens the transaction."""
        ...

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        """Rolls back unless committed."""
        ...

    def track(self, aggregate: A) -> A:
        """Remembers an aggregate whose events are published on commit."""
        ...

    async def start_saga(
        self,
        *,
        kind: str,
        key: str,
        subject: str,
        step: str,
        data: Mapping[str, Any],
        deadline: datetime,
        request: Message | None = None,
        drive_after_commit: bool = True,
    ) -> tuple[Saga, bool]:
        """Starts a saga in this transaction (once per kind and key); returns it and whether it is new."""
        ...

    async def saga_pending(self, subject: str) -> bool:
        """True while a saga about ``subject`` may still act."""
        ...

    async def finish_saga(self, saga: Saga, *, response: Message | None = None) -> Saga:
        """Ends a saga inside this transaction; it commits (or rolls back) with the step's effect."""
        ...

    async def resume_saga(self, *, kind: str, subject: str, data: Mapping[str, Any]) -> bool:
        """Wakes a saga waiting for a reply; False when none of that kind about that subject runs."""
        ...

    async def claim(self, *, scope: str, key: str, request: Message) -> Message | None:
        """Claims an idempotency key; the stored response of a repeat."""
        ...

    async def peek(self, *, scope: str, key: str, request: Message) -> Message | None:
        """The stored response of an earlier success of a key, without claiming it."""
        ...

    async def remember(self, response: Message) -> None:
        """Stores the response of the claimed key."""
        ...

    async def commit(self) -> None:
        """Publishes the recorded events and commits."""
        ...

    async def run_after_commit(self) -> None:
        """Runs the work queued for after the commit."""
        ...


class TransactionalUseCase(Generic[U, C, T]):
    """A use case that runs in one unit of work; ``idempotency`` names its key scope, if any."""

    def __init__(
        self, handle: Callable[[U, C], Awaitable[T]], *, idempotency: str | None, key_optional: bool = False
    ) -> None:
        self.handle = handle
        self.idempotency = idempotency
        self.key_optional = key_optional
        self.__doc__ = handle.__doc__
        self.__name__ = getattr(handle, "__name__", "use_case")

    async def __call__(self, uow: U, command: C) -> T:
        """Runs the rule on an open unit of work (tests call this with an in-memory one)."""
        return await self.handle(uow, command)


def transactional(
    *, idempotency: str | None = None, key_optional: bool = False
) -> Callable[[Callable[[U, C], Awaitable[T]]], TransactionalUseCase[U, C, T]]:
    """Declares a use case that runs in one unit of work, idempotent per caller in ``idempotency``.

    With ``key_optional`` a request without a key runs on its own (each such request is new).
    Reads are transactional too (without a scope): they see one consistent snapshot.
    """

    def wrap(handle: Callable[[U, C], Awaitable[T]]) -> TransactionalUseCase[U, C, T]:
        return TransactionalUseCase(handle, idempotency=idempotency, key_optional=key_optional)

    return wrap


def caller_scope(scope: str) -> str:
    """An idempotency scope of one caller: keys of different users never collide."""
    caller = current_caller()
    return f"{scope}:{caller.user_id or caller.service}"


async def execute(
    use_case: TransactionalUseCase[Any, C, T],
    command: C,
    *,
    uow: Transaction,
    respond: Callable[[T], R],
    request: Message | None = None,
) -> R:
    """Runs a transactional use case: claim the key, run, encode, remember, commit, then after-commit work.

    ``request`` carries the idempotency key (``request_id``) of a use case that declares a scope;
    a repeat returns the first response and changes nothing. A unit of work whose connection
    turns out to have been lost before it began to commit (the server restarted since the
    connection was last used) runs once more, on a fresh connection: nothing of it was written.
    """
    for attempt in (1, 2):
        committing = False
        try:
            async with uow:
                if use_case.idempotency is not None:
                    if request is None:
                        raise TypeError(f"{use_case.__name__} is idempotent: pass the request that carries its key")
                    key = getattr(request, "request_id", "")
                    if key or not use_case.key_optional:
                        replay = await uow.claim(scope=caller_scope(use_case.idempotency), key=key, request=request)
                        if replay is not None:
                            return replay  # type: ignore[return-value]
                response = respond(await use_case(uow, command))
                await uow.remember(response)
                committing = True
                await uow.commit()
        except Exception as error:
            if attempt == 1 and not committing and lost_connection(error):
                log.info("%s lost its database connection before committing; running it again", use_case.__name__)
                continue
            raise
        await uow.run_after_commit()
        return response
    raise AssertionError("unreachable: the second attempt returns or raises")
