"""Alembic per service schema: the version table lives in the schema it versions.

Each service keeps ``migrations/`` with an ``env.py`` that calls ``run_env()``; migrations run as
the service's own database role, which owns its schema and nothing else.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command, context, op
from alembic.config import Config
from sqlalchemy import create_engine, pool, text
from sqlalchemy.dialects import postgresql

from callsheet_kit.tables import outbox_notify_ddl


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


def create_kit_tables_v1(schema: str) -> None:
    """Creates the kit's tables (outbox with its wake-up trigger, inbox, idempotency, dev clock).

    Called by each service's first migration. A later change to the kit's tables comes as a new
    ``create_…_v2`` step that later migrations call, so applied history never changes.
    """
    op.create_table(
        "dev_clock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offset_seconds", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dev_clock")),
        schema=schema,
    )
    op.create_table(
        "idempotency_key",
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("request_hash", sa.Text(), nullable=False),
        sa.Column("response", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_idempotency_key")),
        schema=schema,
    )
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id", name=op.f("pk_inbox")),
        schema=schema,
    )
    op.create_table(
        "outbox",
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("envelope", sa.LargeBinary(), nullable=False),
        sa.Column(
            "headers", postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_outbox")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_event_id")),
        schema=schema,
    )
    op.create_index(
        "ix_outbox_unpublished",
        "outbox",
        ["seq"],
        unique=False,
        schema=schema,
        postgresql_where=sa.text("published_at IS NULL"),
    )
    for statement in outbox_notify_ddl(schema):
        op.execute(statement)


def drop_kit_tables_v1(schema: str) -> None:
    """Drops what ``create_kit_tables_v1`` created."""
    op.drop_index(
        "ix_outbox_unpublished", table_name="outbox", schema=schema, postgresql_where=sa.text("published_at IS NULL")
    )
    op.drop_table("outbox", schema=schema)
    op.drop_table("inbox", schema=schema)
    op.drop_table("idempotency_key", schema=schema)
    op.drop_table("dev_clock", schema=schema)


def create_kit_tables_v2(schema: str) -> None:
    """Adds per-subject event order, sagas and retention indexes; timestamps lose their defaults.

    Every kit timestamp now comes from the service clock, so a database default could only hide
    a forgotten value (and would not follow the dev clock).
    """
    op.create_table(
        "outbox_subject",
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("subject", name=op.f("pk_outbox_subject")),
        schema=schema,
    )
    op.create_table(
        "inbox_subject",
        sa.Column("consumer", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "subject", name=op.f("pk_inbox_subject")),
        schema=schema,
    )
    op.create_table(
        "saga",
        sa.Column("saga_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("step", sa.Text(), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("request_hash", sa.Text(), nullable=False),
        sa.Column("response", sa.LargeBinary(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_owner", sa.Text(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("saga_id", name=op.f("pk_saga")),
        sa.UniqueConstraint("kind", "key", name=op.f("uq_saga_kind_key")),
        schema=schema,
    )
    op.create_index("ix_saga_subject", "saga", ["subject"], schema=schema)
    op.create_index(
        "ix_saga_due",
        "saga",
        ["next_attempt_at"],
        schema=schema,
        postgresql_where=sa.text("status IN ('running', 'compensating')"),
    )
    op.create_index(
        "ix_outbox_published_at",
        "outbox",
        ["published_at"],
        schema=schema,
        postgresql_where=sa.text("published_at IS NOT NULL"),
    )
    op.create_index("ix_inbox_processed_at", "inbox", ["processed_at"], schema=schema)
    op.create_index("ix_idempotency_key_created_at", "idempotency_key", ["created_at"], schema=schema)
    op.alter_column("outbox", "created_at", server_default=None, schema=schema)
    op.alter_column("inbox", "processed_at", server_default=None, schema=schema)
    op.alter_column("idempotency_key", "created_at", server_default=None, schema=schema)


def drop_kit_tables_v2(schema: str) -> None:
    """Undoes ``create_kit_tables_v2``."""
    for table, column in (("outbox", "created_at"), ("inbox", "processed_at"), ("idempotency_key", "created_at")):
        op.alter_column(table, column, server_default=sa.text("now()"), schema=schema)
    op.drop_index("ix_idempotency_key_created_at", table_name="idempotency_key", schema=schema)
    op.drop_index("ix_inbox_processed_at", table_name="inbox", schema=schema)
    op.drop_index("ix_outbox_published_at", table_name="outbox", schema=schema)
    op.drop_table("saga", schema=schema)
    op.drop_table("inbox_subject", schema=schema)
    op.drop_table("outbox_subject", schema=schema)
