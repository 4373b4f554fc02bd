"""The tables of support (schema ``sup``): for now the kit's outbox, inbox and idempotency store."""

from __future__ import annotations

from callsheet_kit.db import schema_metadata
from callsheet_kit.tables import KitTables

SCHEMA = "sup"

metadata = schema_metadata(SCHEMA)
kit_tables = KitTables(metadata)
