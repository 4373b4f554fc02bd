"""Alembic environment of cards (schema ``cards``)."""

from callsheet_kit.migrate import run_env

run_env()
