"""Alembic environment of payments (schema ``pay``)."""

from callsheet_kit.migrate import run_env

run_env()
