"""The building blocks of domain models: aggregates that record their own events.

Pure Python: domain code imports this, never SQLAlchemy, NATS or gRPC. An aggregate records
what happened as it changes; the unit of work collects the events on commit and writes them to
the outbox in the same transaction (cosmicpython's ``collect_new_events``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, kw_only=True)
class DomainEvent:
    """Something that happened to an aggregate: who did it (empty for the system) and when."""

    actor: str
    occurred_at: datetime


class Aggregate(ABC):
    """A consistency boundary that records the events of its changes.

    Subclasses are plain classes; the adapters map them onto tables. The events live outside
    the mapped state (in ``__dict__`` under a private key), so loading an aggregate from the
    database, which does not call ``__init__``, needs no hook.
    """

    _EVENTS = "_recorded_events"

    @property
    @abstractmethod
    def event_subject(self) -> str:
        """The id events of this aggregate are about (their envelope's subject)."""

    def record(self, event: DomainEvent) -> None:
        """Notes that ``event`` happened; it is published if the unit of work commits."""
        self.__dict__.setdefault(self._EVENTS, []).append(event)

    def pull_events(self) -> list[DomainEvent]:
        """The recorded events, oldest first, forgetting them."""
        events: list[DomainEvent] = self.__dict__.pop(self._EVENTS, [])
        return events

    def peek_events(self) -> list[DomainEvent]:
        """The recorded events not yet pulled (for tests and assertions)."""
        return list(self.__dict__.get(self._EVENTS, []))
