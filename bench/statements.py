"""``python -m bench.statements``: the SQL each operation costs, counted by PostgreSQL itself.

Starts a stack on an embedded PostgreSQL (``DATABASE_URL`` is ignored: the count reads the
server's own log), runs each operation a few times to warm up, then turns on ``log_statement =
all`` for ``REQUESTS`` more and counts, per service (each connects under its own
``application_name``), the statements and transactions per request. The same count of an idle
system over the same time is printed first: what the sweepers and relays cost on their own.
Everything an operation causes is counted, its events, sagas and emails included.
"""

from __future__ import annotations

import asyncio
import functools
import re
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable

import psycopg

from bench.cards import CardCalls
from bench.client import Connection
from bench.money import MoneyCalls
from bench.notifications import NotificationCalls
from bench.run import BUYER, CANCEL, CHECKOUT, CONFIRM, LEDGER, ORDER, ORDERS, QUOTE, Bench, Counts
from bench.support import SupportCalls
from devstack.stack import ROOT, Stack

REQUESTS = 10
WARM_UP = 5
# What each counted window waits for the effects of its requests (events, emails, sagas).
SETTLE_SECONDS = 3.0
_LINE = re.compile(r"(\w*)\|LOG:  (?:statement|execute [^:]*): (.*)")


async def _count(stack: Stack, admin: psycopg.AsyncConnection[object], run: Callable[[], Awaitable[None]]) -> str:
    assert stack.postgres is not None
    log = stack.postgres.log_path
    for setting in ("log_statement = 'all'", "log_line_prefix = '%a|'"):
        await admin.execute(f"ALTER SYSTEM SET {setting}")
    await admin.execute("SELECT pg_reload_conf()")
    await asyncio.sleep(0.5)
    size = log.stat().st_size
    await run()
    await asyncio.sleep(SETTLE_SECONDS)
    await admin.execute("ALTER SYSTEM SET log_statement = 'none'")
    await admin.execute("SELECT pg_reload_conf()")
    await asyncio.sleep(0.5)
    statements: Counter[str] = Counter()
    transactions: Counter[str] = Counter()
    for line in log.read_bytes()[size:].decode(errors="replace").splitlines():
        found = _LINE.match(line)
        if found is None or not found.group(1):
            continue
        service, sql = found.group(1), found.group(2).strip()
        if sql == "BEGIN":
            transactions[service] += 1
        elif sql not in ("COMMIT", "ROLLBACK", ";"):
            statements[service] += 1
    return ", ".join(
        f"{service} {statements[service] / REQUESTS:.1f} ({transactions[service] / REQUESTS:.1f} tx)"
        for service in sorted(statements)
    )


async def _main() -> None:
    stack = Stack(
        state_dir=ROOT / ".devstack" / "statements",
        database_name=f"callsheet_statements_{uuid.uuid4().hex[:8]}",
        event_prefix=f"csstmt{uuid.uuid4().hex[:8]}",
        env_name="dev",
    )
    await asyncio.to_thread(stack.start)
    try:
        bench = Bench(stack, 0, Counts(sequential=0, clients=0, per_client=0))
        count = REQUESTS + WARM_UP
        quotes = await bench.prepare("quote", count)
        authorized = await bench.prepare("authorized", 2 * count)
        confirmed = await bench.prepare("confirmed", count)
        connection: list[Connection] = []

        def requests(send: Callable[[Connection, int], Awaitable[object]]) -> Callable[[int, int], Awaitable[None]]:
            async def run(first: int, how_many: int) -> None:
                for index in range(first, first + how_many):
                    await send(connection[0], index)

            return run

        def command(orders: list[dict[str, object]], version: int) -> Callable[[int], dict[str, object]]:
            return lambda i: {
                "i": {"orderId": orders[i]["id"], "expectedVersion": version, "idempotencyKey": uuid.uuid4().hex}
            }

        confirm_input, cancel_input = command(authorized, 1), command(confirmed, 2)
        operations: dict[str, Callable[[int, int], Awaitable[None]]] = {
            "createQuote": requests(lambda c, _: c.graphql(bench.buyer, QUOTE, {"i": bench.quote_input()})),
            "checkout": requests(
                lambda c, i: c.graphql(
                    bench.buyer,
                    CHECKOUT,
                    {
                        "i": {
                            "quoteId": quotes[i]["id"],
                            "paymentMethodId": "pm_card_visa",
                            "idempotencyKey": uuid.uuid4().hex,
                        }
                    },
                )
            ),
            "confirmOrder": requests(lambda c, i: c.graphql(bench.provider, CONFIRM, confirm_input(i))),
            "cancelOrder": requests(lambda c, i: c.graphql(bench.buyer, CANCEL, cancel_input(i))),
            "order (with timeline)": requests(
                lambda c, i: c.graphql(bench.buyer, ORDER, {"id": authorized[count + i]["id"]})
            ),
            "orders(first: 20)": requests(lambda c, _: c.graphql(bench.buyer, ORDERS, {})),
            "orderLedger (admin)": requests(lambda c, i: c.graphql(bench.admin, LEDGER, {"id": confirmed[i]["id"]})),
        }
        cards = CardCalls(await bench.prepare("confirmed", count), provider=bench.provider, buyer=bench.buyer)
        operations.update({name: requests(send) for name, send in cards.requests().items()})
        money = MoneyCalls(stack, await bench.prepare("confirmed", count))
        operations.update({name: requests(send) for name, send in money.requests().items()})
        notes = NotificationCalls(stack, user=BUYER, token=bench.buyer, admin=bench.admin)
        operations.update({name: requests(send) for name, send in notes.requests().items()})
        support = SupportCalls(buyer=bench.buyer, agent=bench.agent)
        operations.update({name: requests(send) for name, send in support.requests().items()})
        async with await psycopg.AsyncConnection.connect(stack.database_url, autocommit=True) as admin:
            await asyncio.sleep(SETTLE_SECONDS)
            await notes.prepare(count)
            prepared = await bench.connect()
            await support.prepare(prepared, count)
            await prepared.close()
            idle = await _count(stack, admin, lambda: asyncio.sleep(REQUESTS * 0.02))
            print(f"{'idle (per request-sized window)':32} {idle}")
            for name, run in operations.items():
                connection[:] = [await bench.connect()]
                await run(REQUESTS, WARM_UP)
                await asyncio.sleep(SETTLE_SECONDS)
                counted = await _count(stack, admin, functools.partial(run, 0, REQUESTS))
                print(f"{name:32} {counted}")
                await connection[0].close()
        await money.close()
    finally:
        await asyncio.to_thread(stack.stop)


def main() -> None:
    """Counts and prints the statements and transactions per request of every operation."""
    asyncio.run(_main())


if __name__ == "__main__":
    main()
