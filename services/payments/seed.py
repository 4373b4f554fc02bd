"""The dev data of payments: rate cards and active payout accounts of the dev providers."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert

from callsheet_kit.service import ServiceKit
from services.payments.adapters.tables import ProviderConnect, RateCard

DEV_RATE_CARDS = [
    ("u_provider_1", "photographer", 15_000, "USD"),
    ("u_provider_2", "model", 20_000, "USD"),
]


async def seed_dev(kit: ServiceKit) -> None:
    """Inserts the dev rate cards and payout accounts; repeating it changes nothing."""
    async with kit.db.transaction() as session:
        for provider_id, role, rate, currency in DEV_RATE_CARDS:
            await session.execute(
                insert(RateCard)
                .values(provider_id=provider_id, role_code=role, hourly_rate_cents=rate, currency=currency, active=True)
                .on_conflict_do_nothing()
            )
            await session.execute(
                insert(ProviderConnect)
                .values(
                    user_id=provider_id,
                    stripe_acct=f"acct_dev_{provider_id}",
                    status="active",
                    requirements={},
                    updated_at=kit.clock.now(),
                )
                .on_conflict_do_nothing()
            )
