"""What the support use cases need of the world: cases in a unit of work, and the services they call."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from callsheet_kit.clock import Clock
from callsheet_kit.identity import Caller
from callsheet_kit.storage import ObjectStore
from callsheet_kit.uow import Transaction
from services.support.domain.case import SupportCase
from services.support.domain.cases import CaseState, CaseType
from services.support.domain.evidence import EvidenceFile
from services.support.domain.sla import BusinessHours, SlaPolicy


@dataclass(frozen=True)
class HistoryRecord:
    """One stored entry of a case's history."""

    event_id: str
    kind: str
    actor_user_id: str
    payload: Mapping[str, Any]
    internal: bool
    redacted_by: str | None
    created_at: datetime


@dataclass(frozen=True)
class Queue:
    """Where cases of some types wait, the agents who work it, and its hours (None: around the clock)."""

    name: str
    agent_ids: Sequence[str]
    hours: BusinessHours | None


@dataclass(frozen=True)
class CaseView:
    """A case as one viewer may see it: internal notes only for staff."""

    case: SupportCase
    history: Sequence[HistoryRecord] = ()


@dataclass(frozen=True)
class CaseFilter:
    """Which cases a listing shows."""

    viewer: str
    is_staff: bool
    states: Sequence[CaseState] = ()
    types: Sequence[CaseType] = ()
    queue: str = ""
    assignee_id: str = ""
    after: tuple[datetime, str] | None = None
    limit: int = 20


@dataclass(frozen=True)
class StrikeRecord:
    """A strike against a user."""

    user_id: str
    case_id: str
    kind: str
    created_at: datetime
    withdrawn_at: datetime | None = None


class SupportUnitOfWork(Transaction, Protocol):
    """One transaction of a support use case."""

    async def case(self, case_id: str, *, lock: bool = False) -> SupportCase | None:
        """A case, tracked for its events and history (locked when asked)."""
        ...

    async def case_by_key(self, key: str, *, lock: bool = False) -> SupportCase | None:
        """The case opened under a key, tracked (locked when asked)."""
        ...

    def add_case(self, case: SupportCase) -> None:
        """Adds a new case."""
        ...

    async def view(self, case: SupportCase, *, is_staff: bool) -> CaseView:
        """The case with its history (written so far in this transaction), as a viewer sees it."""
        ...

    async def history_entry(self, case_id: str, event_id: str) -> HistoryRecord | None:
        """One entry of a case's history."""
        ...

    async def redact_entry(self, event_id: str, *, by: str) -> None:
        """Replaces a message entry's text with the redaction mark, naming who redacted it."""
        ...

    async def list_cases(self, query: CaseFilter) -> Sequence[SupportCase]:
        """Cases newest first after the cursor, ``limit`` + 1 of them (so a next page is known)."""
        ...

    async def queue_for(self, case_type: CaseType) -> Queue:
        """The queue a new case of ``case_type`` goes to."""
        ...

    async def queue(self, name: str) -> Queue | None:
        """A queue by name."""
        ...

    async def policy(self, case_type: CaseType, priority: str, hours: BusinessHours | None) -> SlaPolicy:
        """The SLA policy in force now for a type and priority, counted on ``hours``."""
        ...

    async def cases_due(self, now: datetime, *, limit: int) -> Sequence[SupportCase]:
        """Cases whose next SLA target has come, locked (others' locked ones skipped)."""
        ...

    async def cases_waking(self, now: datetime, *, limit: int) -> Sequence[SupportCase]:
        """Cases whose flow's timer has come, locked (others' locked ones skipped)."""
        ...

    async def add_strike(self, strike: StrikeRecord) -> bool:
        """Counts a strike once per user and case; False when it was counted already."""
        ...

    async def withdraw_strikes(self, case_id: str, *, at: datetime) -> None:
        """Withdraws the strikes a case counted."""
        ...

    async def strikes(self, user_id: str) -> Sequence[StrikeRecord]:
        """A user's strikes, oldest first."""
        ...


@dataclass(frozen=True)
class OrderFacts:
    """What support needs of an order: its participants and state."""

    order_id: str
    buyer_id: str
    provider_id: str
    state: str


@dataclass(frozen=True)
class Refundable:
    """What of an order's payment can still be refunded."""

    currency: str
    cents: int


@dataclass(frozen=True)
class MediaFacts:
    """Who uploaded a file, to which order."""

    media_id: str
    order_id: str
    uploader_id: str
    hidden: bool


class PeersPort(Protocol):
    """The calls support makes to orders, cards and payments (each idempotent by its request id)."""

    async def order(self, order_id: str, *, caller: Caller) -> OrderFacts:
        """The order as ``caller`` may see it; NOT_FOUND for a stranger."""
        ...

    async def refundable(self, order_id: str) -> Refundable:
        """What can still be refunded of the order's payment (0 when there is none)."""
        ...

    async def refund(self, *, request_id: str, order_id: str, cents: int, currency: str, reason: str) -> None:
        """Refunds part of the order's payment."""
        ...

    async def resolve_order_dispute(self, *, request_id: str, order_id: str) -> None:
        """DISPUTED → COMPLETED (an order no longer disputed is left as it is)."""
        ...

    async def resolve_dispute_card(self, *, request_id: str, card_id: str, note: str) -> None:
        """Releases the DISPUTE card's payout freeze, settles the payout, closes the card."""
        ...

    async def set_media_hidden(self, *, request_id: str, media_ids: Sequence[str], hidden: bool, reason: str) -> None:
        """Hides or restores media wherever they are served."""
        ...

    async def describe_media(self, media_ids: Sequence[str]) -> Sequence[MediaFacts]:
        """The known media among ``media_ids``."""
        ...

    async def submit_dispute_evidence(
        self, *, request_id: str, dispute_id: str, evidence: Mapping[str, str], submit: bool
    ) -> None:
        """Stages (or submits) evidence on a chargeback."""
        ...


class EvidenceSources(Protocol):
    """Where an order's evidence is gathered from."""

    async def gather(self, order_id: str) -> list[EvidenceFile]:
        """Every file of an order's evidence."""
        ...


@dataclass(frozen=True)
class SupportDeps:
    """What the support use cases that call out need."""

    uow: Callable[[], SupportUnitOfWork]
    peers: PeersPort
    evidence: EvidenceSources
    store: ObjectStore
    clock: Clock


@dataclass(frozen=True)
class Command:
    """What every command carries: who asks."""

    caller: Caller
