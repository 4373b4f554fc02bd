"""The idempotency store: a request id maps to the stored response of its first success.

The key is claimed inside the use case's own transaction, so a concurrent duplicate blocks on
the key's unique index until the first commits (then replays its response) or rolls back (then
runs itself). Nothing is stored for a failed attempt: a retry after an error runs again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import TypeVar

from google.protobuf.message import Message
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from callsheet_kit.errors import idempotency_mismatch, invalid_field
from callsheet_kit.tables import KitTables

R = TypeVar("R", bound=Message)


def request_fingerprint(request: Message, *, key_field: str = "request_id") -> str:
    """A digest of the request without its idempotency key, stable across processes."""
    copy = type(request)()
    copy.CopyFrom(request)
    if key_field in copy.DESCRIPTOR.fields_by_name:
        copy.ClearField(key_field)  # type: ignore[arg-type]
    return hashlib.sha256(copy.SerializeToString(deterministic=True)).hexdigest()


class IdempotencyStore:
    """Idempotent execution of use cases whose result is a protobuf message."""

    def __init__(self, tables: KitTables) -> None:
        self._table = tables.idempotency

    async def run(
        self,
        session: AsyncSession,
        *,
        scope: str,
        key: str,
        request: Message,
        response_type: type[R],
        execute: Callable[[], Awaitable[R]],
    ) -> R:
        """Runs ``execute`` once per (scope, key); repeats get the first response.

        The same key with a different request fails with IDEMPOTENCY_MISMATCH.
        """
        if not key:
            raise invalid_field("request_id", "an idempotency key is required")
        if len(key) > 200:
            raise invalid_field("request_id", "at most 200 characters")
        fingerprint = request_fingerprint(request)
        claimed = await session.execute(
            insert(self._table)
            .values(scope=scope, key=key, request_hash=fingerprint)
            .on_conflict_do_nothing()
            .returning(self._table.c.key)
        )
        if claimed.first() is None:
            row = (
                await session.execute(
                    select(self._table.c.request_hash, self._table.c.response).where(
                        self._table.c.scope == scope, self._table.c.key == key
                    )
                )
            ).one()
            if row.request_hash != fingerprint:
                raise idempotency_mismatch()
            replay = response_type()
            replay.ParseFromString(row.response or b"")
            return replay
        response = await execute()
        await session.execute(
            update(self._table)
            .where(self._table.c.scope == scope, self._table.c.key == key)
            .values(response=response.SerializeToString(deterministic=True))
        )
        return response
