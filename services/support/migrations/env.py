"""Alembic environment of support (schema ``sup``)."""

from callsheet_kit.migrate import run_env

run_env()
