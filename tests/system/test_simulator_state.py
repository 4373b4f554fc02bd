"""The simulator's own tables on real PostgreSQL: what a restart would otherwise lose."""

from __future__ import annotations

import pytest
from system_client import System

from callsheet_kit.db import Database, make_engine
from services.payments.adapters.provider import SimulatedStripe
from services.payments.adapters.simulator_store import SqlSimulatorStore


@pytest.mark.asyncio
async def test_transfers_and_reversals_are_kept_in_the_simulators_tables(system: System) -> None:
    url = system.stack.service_urls["payments"].replace("postgresql://", "postgresql+psycopg://", 1)
    db = Database(make_engine(url, pool_size=2))
    try:
        made = await SimulatedStripe(SqlSimulatorStore(db)).transfer(
            amount_cents=40_000, currency="USD", destination="acct_p", transfer_group="ord_t", idempotency_key="t:sys"
        )
        # A new simulator over the same tables, as after a restart, finds the transfer and reverses it once.
        later = SimulatedStripe(SqlSimulatorStore(db))
        first = await later.reverse_transfer(transfer_id=made.transfer_id, amount_cents=5_000, idempotency_key="rv:sys")
        repeat = await later.reverse_transfer(
            transfer_id=made.transfer_id, amount_cents=5_000, idempotency_key="rv:sys"
        )
        assert first.reversed_cents == repeat.reversed_cents == 5_000
    finally:
        await db.dispose()
