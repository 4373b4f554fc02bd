"""The idempotency store: a request id maps to the stored response of its first success.

The key is claimed inside the use case's own transaction, so a concurrent duplicate blocks on
the key's unique index until the first commits (then replays its response) or rolls back (then
runs itself). Nothing is stored for a failed attempt: a retry after an error runs again.
Responses are stored as ``google.protobuf.Any``, so a replay needs no declared response type.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from google.protobuf import any_pb2, symbol_database
from google.protobuf.message import Message
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from callsheet_kit.errors import idempotency_mismatch, invalid_field
from callsheet_kit.tables import KitTables

MAX_KEY_LENGTH = 200


def request_fingerprint(request: Message, *, key_field: str = "request_id") -> str:
    """A digest of the request without its idempotency key, stable across processes."""
    copy = type(request)()
    copy.CopyFrom(request)
    if key_field in copy.DESCRIPTOR.fields_by_name:
        copy.ClearField(key_field)  # type: ignore[arg-type]
    return hashlib.sha256(copy.SerializeToString(deterministic=True)).hexdigest()


def check_key(key: str, *, field: str = "request_id") -> None:
    """An idempotency key is required and short."""
    if not key:
        raise invalid_field(field, "an idempotency key is required")
    if len(key) > MAX_KEY_LENGTH:
        raise invalid_field(field, f"at most {MAX_KEY_LENGTH} characters")


def pack_response(response: Message) -> bytes:
    """A response as stored for replays."""
    packed = any_pb2.Any()
    packed.Pack(response)
    return packed.SerializeToString(deterministic=True)


def unpack_response(stored: bytes) -> Message:
    """A stored response, as the message it was."""
    packed = any_pb2.Any()
    packed.ParseFromString(stored)
    message_type = symbol_database.Default().GetSymbol(packed.TypeName())
    response: Message = message_type()
    packed.Unpack(response)
    return response


class IdempotencyStore:
    """Claims keys and remembers responses, inside the caller's transaction."""

    def __init__(self, tables: KitTables) -> None:
        self._table = tables.idempotency

    async def claim(
        self, session: AsyncSession, *, scope: str, key: str, request: Message, now: datetime
    ) -> Message | None:
        """Claims ``(scope, key)`` for this transaction, or returns the response of an earlier success.

        The same key with a different request fails with IDEMPOTENCY_MISMATCH.
        """
        check_key(key)
        fingerprint = request_fingerprint(request)
        claimed = await session.execute(
            insert(self._table)
            .values(scope=scope, key=key, request_hash=fingerprint, created_at=now)
            .on_conflict_do_nothing()
            .returning(self._table.c.key)
        )
        if claimed.first() is not None:
            return None
        row = (
            await session.execute(
                select(self._table.c.request_hash, self._table.c.response).where(
                    self._table.c.scope == scope, self._table.c.key == key
                )
            )
        ).one()
        if row.request_hash != fingerprint:
            raise idempotency_mismatch()
        return unpack_response(row.response)

    async def peek(self, session: AsyncSession, *, scope: str, key: str, request: Message) -> Message | None:
        """The stored response of an earlier success of ``(scope, key)``, without claiming it.

        For use cases that must call a peer before their transaction: a repeat is answered
        before the call is made again. The same key with a different request fails with
        IDEMPOTENCY_MISMATCH.
        """
        check_key(key)
        row = (
            await session.execute(
                select(self._table.c.request_hash, self._table.c.response).where(
                    self._table.c.scope == scope, self._table.c.key == key
                )
            )
        ).first()
        if row is None or row.response is None:
            return None
        if row.request_hash != request_fingerprint(request):
            raise idempotency_mismatch()
        return unpack_response(row.response)

    async def remember(self, session: AsyncSession, *, scope: str, key: str, response: Message) -> None:
        """Stores the response of the claimed key; it commits with the use case's change."""
        await session.execute(
            update(self._table)
            .where(self._table.c.scope == scope, self._table.c.key == key)
            .values(response=pack_response(response))
        )
