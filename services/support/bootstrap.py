"""Wires support: the one place its dependencies are chosen."""

from __future__ import annotations

from pathlib import Path

from callsheet_kit.service import ServiceKit, ServiceParts
from services.support.adapters.tables import kit_tables

NAME = "support"
MIGRATIONS = Path(__file__).parent / "migrations"
TABLES = kit_tables


def build_parts(kit: ServiceKit) -> ServiceParts:
    """Health, reflection, the dev clock and the outbox relay; the support API comes with its capability."""
    return ServiceParts(register=[], service_names=[])
