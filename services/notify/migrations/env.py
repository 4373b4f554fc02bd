"""Alembic environment of notify (schema ``ntf``)."""

from callsheet_kit.migrate import run_env

run_env()
