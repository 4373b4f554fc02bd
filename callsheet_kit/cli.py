"""The command line of every service: ``python -m services.<name> serve|migrate|seed-dev``.

``migrate`` also loads the reference data that ships with a release (the help centre's articles);
``seed-dev`` adds the dev data (users' rate cards, agents on queues) in dev and test only."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from callsheet_kit.migrate import upgrade
from callsheet_kit.service import ServiceKit, ServiceParts, run
from callsheet_kit.settings import ServiceSettings, load
from callsheet_kit.tables import KitTables
from callsheet_kit.telemetry import configure_logging

Seeder = Callable[[ServiceKit], Awaitable[None]]


def main(
    *,
    name: str,
    tables: KitTables,
    migrations: Path,
    parts: Callable[[ServiceKit], ServiceParts],
    seed: Seeder | None = None,
    reference: Seeder | None = None,
    settings_type: type[ServiceSettings] = ServiceSettings,
) -> None:
    """Parses the command line and runs the chosen command."""
    parser = argparse.ArgumentParser(prog=f"python -m services.{name}")
    parser.add_argument("command", choices=["serve", "migrate", "seed-dev"], nargs="?", default="serve")
    command = parser.parse_args().command
    settings = load(settings_type)

    def kit() -> ServiceKit:
        return ServiceKit.build(name=name, tables=tables, settings=settings)

    if command == "migrate":
        configure_logging(settings.log_level)
        upgrade(schema=tables.schema, url=settings.database_url, script_location=migrations)
        if reference is not None:
            _run_seeder(kit(), reference)
    elif command == "seed-dev":
        if not settings.is_dev:
            raise SystemExit("seed-dev needs CALLSHEET_ENV=dev or test")
        configure_logging(settings.log_level)
        if seed is not None:
            _run_seeder(kit(), seed)
    else:
        run(kit, parts)


def _run_seeder(built: ServiceKit, seed: Seeder) -> None:
    """Runs one seeder on a kit of its own, then lets its connections go."""

    async def seeding() -> None:
        try:
            await seed(built)
        finally:
            await built.db.dispose()

    asyncio.run(seeding())
