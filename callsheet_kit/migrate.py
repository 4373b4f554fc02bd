"""Alembic per service schema: the version table lives in the schema it versions.

Each service keeps ``migrations/`` with an ``env.py`` that calls ``run_env()``; migrations run as
the service's own database role, which owns its schema and nothing else.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import create_engine, pool, text


def alembic_config(*, schema: str, url: str, script_location: Path) -> Config:
    """An Alembic configuration for one service schema."""
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["schema"] = schema
    return config


def upgrade(*, schema: str, url: str, script_location: Path, revision: str = "head") -> None:
    """Migrates the schema to ``revision``."""
    command.upgrade(alembic_config(schema=schema, url=url, script_location=script_location), revision)


def run_env() -> None:
    """The body of every service's ``env.py``: online migrations in one transaction."""
    config = context.config
    schema: str = config.attributes["schema"]
    url = config.get_main_option("sqlalchemy.url") or ""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        connection.execute(text(f'SET search_path TO "{schema}"'))
        context.configure(
            connection=connection,
            version_table_schema=schema,
            include_schemas=True,
            transaction_per_migration=False,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
    engine.dispose()
