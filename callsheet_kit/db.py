"""Async SQLAlchemy 2 on psycopg 3: one pooled engine per service, one transaction per use case.

A transaction is also a promise: no call to another service is made while it is open (DESIGN
rule 2). ``Database.transaction`` marks the task as inside one, and ``require_no_transaction``
(called by every RPC and every payment-provider call) refuses loudly when it is.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from enum import Enum as PyEnum

from sqlalchemy import Enum, MetaData
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

_inside_transaction: ContextVar[bool] = ContextVar("callsheet_inside_transaction", default=False)


class CallInsideTransaction(RuntimeError):
    """A remote call was attempted while a local transaction was open: a programming error.

    Holding a transaction (and its pooled connection and row locks) across a network call lets
    one slow peer exhaust the pool, and couples the commit of one service to another's. Read
    what you need first, then open the unit of work; or record the intent and call after commit.
    """


def require_no_transaction(what: str) -> None:
    """Raises ``CallInsideTransaction`` when the current task is inside a transaction."""
    if _inside_transaction.get():
        raise CallInsideTransaction(f"{what} was attempted inside a unit of work")


@contextmanager
def transaction_scope() -> Iterator[None]:
    """Marks the current task as inside a transaction for the duration of the block."""
    token = _inside_transaction.set(True)
    try:
        yield
    finally:
        _inside_transaction.reset(token)


def make_engine(url: str, *, pool_size: int = 10, application_name: str = "callsheet") -> AsyncEngine:
    """A pooled async engine.

    Connections are not pinged before each use: that is a round trip and a statement on every
    transaction. A connection the server dropped (a restart, a failover, an idle timeout) fails
    its first statement instead; SQLAlchemy then discards every pooled connection as old as it,
    and ``callsheet_kit.uow.execute`` runs the unit of work that failed so once more, on a fresh
    connection. Background work (relay, consumers, sweepers, sagas) retries on its own.
    """
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=False,
        pool_recycle=1800,
        connect_args={"application_name": application_name},
    )
    return engine


def lost_connection(error: BaseException) -> bool:
    """True when ``error`` is a statement that failed because its connection had been lost."""
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def libpq_url(url: str) -> str:
    """The URL as psycopg and libpq spell it (without SQLAlchemy's ``+driver``)."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


class Database:
    """A service's database: its engine and a session per transaction."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)

    def session(self) -> AsyncSession:
        """A new session; the caller begins, commits and closes it (see ``UnitOfWork``)."""
        return self._sessions()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on any error."""
        with transaction_scope():
            async with self._sessions() as session, session.begin():
                yield session

    async def dispose(self) -> None:
        """Closes every pooled connection."""
        await self.engine.dispose()


def schema_metadata(schema: str) -> MetaData:
    """Metadata whose tables live in the service's own schema, with stable constraint names."""
    return MetaData(
        schema=schema,
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        },
    )


def value_enum(kind: type[PyEnum]) -> Enum:
    """A column type for a Python enum stored as its value in a plain text column.

    No database enum type: adding a state is a code change, not a migration.
    """
    return Enum(
        kind, native_enum=False, create_constraint=False, length=32, values_callable=lambda e: [m.value for m in e]
    )
