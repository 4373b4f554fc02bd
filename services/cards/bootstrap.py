"""Wires cards: the one place its dependencies are chosen."""

from __future__ import annotations

from pathlib import Path

from callsheet_kit.service import ServiceKit, ServiceParts
from services.cards.adapters.tables import kit_tables

NAME = "cards"
MIGRATIONS = Path(__file__).parent / "migrations"
TABLES = kit_tables


def build_parts(kit: ServiceKit) -> ServiceParts:
    """Health, reflection, the dev clock and the outbox relay; the cards API comes with its capability."""
    return ServiceParts(register=[], service_names=[])
