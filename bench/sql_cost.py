"""``python -m bench.sql_cost``: what one SQL statement costs the service's CPU, layer by layer.

The same small statement (a primary-key read), 20 to a transaction, through each way a service
could send it: psycopg alone (async and sync), SQLAlchemy Core on an async connection (built
anew each time, and built once with a bound parameter), and an ORM session as the services' units
of work use it. On an embedded PostgreSQL of its own (or ``DATABASE_URL``), on the services'
event loop. The CPU is this process's own (``time.process_time``), the server's is not counted.
"""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import psycopg
from sqlalchemy import Column, MetaData, Table, Text, bindparam, select

from callsheet_kit import loop
from callsheet_kit.db import Database, libpq_url, make_engine
from devstack.postgres import EmbeddedPostgres
from devstack.stack import ROOT

TRANSACTIONS, STATEMENTS = 200, 20
_table = Table("probe", MetaData(schema="sql_cost"), Column("key", Text, primary_key=True), Column("value", Text))


async def _per_statement(run: Callable[[], Awaitable[None]], transactions: int) -> tuple[float, float]:
    """CPU and wall milliseconds per statement of ``run`` (one transaction), after a warm-up round."""
    for _ in range(min(20, transactions)):
        await run()
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(transactions):
        await run()
    count = transactions * STATEMENTS
    return (time.process_time() - cpu) * 1000 / count, (time.perf_counter() - wall) * 1000 / count


async def measure(url: str, *, transactions: int = TRANSACTIONS) -> dict[str, tuple[float, float]]:
    """Per-statement costs of every layer against the PostgreSQL at ``url`` (a superuser libpq URL)."""
    keys = [f"k{n}" for n in range(STATEMENTS)]
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as setup:
        await setup.execute("CREATE SCHEMA IF NOT EXISTS sql_cost")
        await setup.execute("CREATE TABLE IF NOT EXISTS sql_cost.probe (key text PRIMARY KEY, value text)")
    results: dict[str, tuple[float, float]] = {}
    async with await psycopg.AsyncConnection.connect(url) as raw:

        async def psycopg_async() -> None:
            async with raw.transaction():
                for key in keys:
                    await (await raw.execute("SELECT value FROM sql_cost.probe WHERE key = %s", (key,))).fetchall()

        results["psycopg, async"] = await _per_statement(psycopg_async, transactions)
    with psycopg.connect(url) as sync:

        async def psycopg_sync() -> None:
            with sync.transaction():
                for key in keys:
                    sync.execute("SELECT value FROM sql_cost.probe WHERE key = %s", (key,)).fetchall()

        results["psycopg, sync"] = await _per_statement(psycopg_sync, transactions)
    engine = make_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    prebuilt = select(_table.c.value).where(_table.c.key == bindparam("key"))

    async def core_built_each_time() -> None:
        async with engine.begin() as connection:
            for key in keys:
                (await connection.execute(select(_table.c.value).where(_table.c.key == key))).all()

    async def core_built_once() -> None:
        async with engine.begin() as connection:
            for key in keys:
                (await connection.execute(prebuilt, {"key": key})).all()

    database = Database(engine)

    async def orm_session() -> None:
        async with database.transaction() as session:
            for key in keys:
                (await session.execute(select(_table.c.value).where(_table.c.key == key))).all()

    results["SQLAlchemy Core, built each time"] = await _per_statement(core_built_each_time, transactions)
    results["SQLAlchemy Core, built once"] = await _per_statement(core_built_once, transactions)
    results["SQLAlchemy ORM session (the services')"] = await _per_statement(orm_session, transactions)
    await engine.dispose()
    return results


async def _main() -> None:
    server: EmbeddedPostgres | None = None
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        server = EmbeddedPostgres(Path(ROOT / ".devstack" / "sql_cost" / "postgres"))
        server.start()
        url = server.url
    try:
        results = await measure(libpq_url(url))
    finally:
        if server is not None:
            server.stop()
    print(f"{'layer':40} {'CPU ms/statement':>17} {'wall ms/statement':>18}")
    for layer, (cpu, wall) in results.items():
        print(f"{layer:40} {cpu:17.3f} {wall:18.3f}")


def main() -> None:
    """Measures and prints the per-statement costs."""
    loop.run(_main())


if __name__ == "__main__":
    main()
