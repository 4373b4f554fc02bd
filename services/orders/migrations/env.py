"""Alembic environment of orders (schema ``ord``)."""

from callsheet_kit.migrate import run_env

run_env()
