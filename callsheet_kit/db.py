"""Async SQLAlchemy 2 on psycopg 3: one pooled engine per service, one transaction per use case."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


def make_engine(url: str, *, pool_size: int = 10, application_name: str = "callsheet") -> AsyncEngine:
    """A pooled async engine; connections are checked before use so a restarted server is healed."""
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_recycle=1800,
        connect_args={"application_name": application_name},
    )
    return engine


def libpq_url(url: str) -> str:
    """The URL as psycopg and libpq spell it (without SQLAlchemy's ``+driver``)."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


class Database:
    """A service's database: its engine and a session per transaction."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on any error."""
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
