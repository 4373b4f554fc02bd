"""Provisions a database for the services: a role per service that owns its schema alone.

Run with a superuser URL (``DATABASE_URL``). Each service role may connect and use its own
schema; it has no rights on any other service's schema, so a cross-schema query fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
from psycopg import sql


@dataclass(frozen=True)
class ServiceDatabase:
    """A service's schema and the role that owns it."""

    service: str
    schema: str

    @property
    def role(self) -> str:
        """The database role of the service."""
        return f"callsheet_{self.service}"


SERVICES: tuple[ServiceDatabase, ...] = (
    ServiceDatabase("orders", "ord"),
    ServiceDatabase("cards", "cards"),
    ServiceDatabase("payments", "pay"),
    ServiceDatabase("support", "sup"),
    ServiceDatabase("notify", "ntf"),
)
EXTRA_SCHEMAS: dict[str, tuple[str, ...]] = {"payments": ("acc",)}


def role_password(role: str, secret: str) -> str:
    """The role's password: derived from a deployment secret, so provisioning is repeatable."""
    import hashlib

    return hashlib.sha256(f"{secret}:{role}".encode()).hexdigest()[:32]


def service_url(admin_url: str, service: ServiceDatabase, *, secret: str) -> str:
    """The URL a service connects with: same server and database, the service's own role."""
    parts = urlsplit(admin_url)
    host = parts.hostname or "127.0.0.1"
    netloc = f"{service.role}:{quote(role_password(service.role, secret))}@{host}"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(("postgresql", netloc, parts.path, parts.query, ""))


def create_database(admin_url: str, name: str) -> str:
    """Creates database ``name`` on the server of ``admin_url`` if missing; returns its URL."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    parts = urlsplit(admin_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def drop_database(admin_url: str, name: str) -> None:
    """Drops database ``name``, closing its connections."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def provision(admin_url: str, *, secret: str) -> dict[str, str]:
    """Creates roles, schemas and extensions; returns each service's URL. Safe to repeat."""
    urls: dict[str, str] = {}
    with psycopg.connect(admin_url, autocommit=True) as conn:
        database = conn.execute("SELECT current_database()").fetchone()
        assert database is not None
        conn.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        for service in SERVICES:
            password = role_password(service.role, secret)
            # Roles are cluster-wide; CREATE ROLE races with a parallel provisioning, so tolerate it.
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (service.role,)).fetchone()
            if not exists:
                try:
                    conn.execute(
                        sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                            sql.Identifier(service.role), sql.Literal(password)
                        )
                    )
                except psycopg.errors.DuplicateObject:
                    pass
            conn.execute(
                sql.SQL("ALTER ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(service.role), sql.Literal(password))
            )
            conn.execute(
                sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                    sql.Identifier(database[0]), sql.Identifier(service.role)
                )
            )
            for schema in (service.schema, *EXTRA_SCHEMAS.get(service.service, ())):
                conn.execute(
                    sql.SQL("CREATE SCHEMA IF NOT EXISTS {} AUTHORIZATION {}").format(
                        sql.Identifier(schema), sql.Identifier(service.role)
                    )
                )
                conn.execute(sql.SQL("REVOKE ALL ON SCHEMA {} FROM PUBLIC").format(sql.Identifier(schema)))
            urls[service.service] = service_url(admin_url, service, secret=secret)
    return urls
