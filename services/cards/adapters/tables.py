"""The tables of cards (schema ``cards``): cards, their responses, the per-order lock, and the kit's tables.

The domain's ``Card`` is a plain class, mapped here imperatively onto ``cards.card``.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, DateTime, ForeignKey, Index, Table, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import registry

from callsheet_kit.db import schema_metadata, value_enum
from callsheet_kit.tables import KitTables
from services.cards.domain.card import Card
from services.cards.domain.model import CardState, CardType, Party

SCHEMA = "cards"

metadata = schema_metadata(SCHEMA)
kit_tables = KitTables(metadata)

card_table = Table(
    "card",
    metadata,
    Column("card_id", Text, primary_key=True),
    Column("order_id", Text, nullable=False, index=True),
    Column("type", value_enum(CardType), nullable=False),
    Column("state", value_enum(CardState), nullable=False),
    Column("version", BigInteger, nullable=False),
    Column("created_by", Text),
    Column("creator_party", value_enum(Party), nullable=False),
    Column("buyer_id", Text, nullable=False),
    Column("provider_id", Text, nullable=False),
    # The plan's key shape, order:card:type:nonce, built from the client's idempotency key.
    Column("key", Text, nullable=False, unique=True),
    Column("payload", JSONB, nullable=False),
    # What a loop gathered: approved proofs, rounds, evidence.
    Column("progress", JSONB, nullable=False),
    Column("due_at", DateTime(timezone=True)),
    Column("expires_at", DateTime(timezone=True)),
    Column("reminded", Boolean, nullable=False),
    Column("superseded_by", Text, ForeignKey("cards.card.card_id", ondelete="SET NULL")),
    Column("accepted_at", DateTime(timezone=True)),
    Column("closed_at", DateTime(timezone=True)),
    # The card's version when its latest effect was started: the decision its owners' request ids name.
    Column("effect_version", BigInteger),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_card_expiring", "expires_at", postgresql_where=text("state = 'open'")),
    Index("ix_card_due", "due_at", postgresql_where=text("state = 'open' AND NOT reminded")),
    Index("ix_card_accepted", "accepted_at", postgresql_where=text("state = 'accepted'")),
)

card_response_table = Table(
    "card_response",
    metadata,
    Column("response_id", Text, primary_key=True),
    Column("card_id", Text, ForeignKey(card_table.c.card_id, ondelete="CASCADE"), nullable=False, index=True),
    Column("responder_user_id", Text),
    Column("action", Text, nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# One row per order with cards: creating a card locks it, so the order-wide rules (one open card
# per type, COMPLETE against RESCHEDULE) are checked by one creator at a time.
order_lock_table = Table(
    "order_lock",
    metadata,
    Column("order_id", Text, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# A file of an order, uploaded through a signed link; its id goes into card payloads.
media_table = Table(
    "media",
    metadata,
    Column("media_id", Text, primary_key=True),
    Column("order_id", Text, nullable=False, index=True),
    Column("uploader_id", Text, nullable=False),
    Column("filename", Text, nullable=False),
    Column("content_type", Text, nullable=False),
    Column("nsfw", Boolean, nullable=False),
    Column("object_key", Text, nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Set while support keeps the file from being served (a takedown), with why.
    Column("hidden_at", DateTime(timezone=True)),
    Column("hidden_reason", Text),
)

registry(metadata=metadata).map_imperatively(Card, card_table)
