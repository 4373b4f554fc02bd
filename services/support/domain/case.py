"""A support case: its state, its SLA clocks, its participants and its immutable history.

The case keeps the contract's states. NEW until an agent touches it; OPEN while the team works
on it; PENDING_CUSTOMER and PENDING_PROVIDER while it waits on someone outside support (both SLA
clocks stand still); ESCALATED when a target was missed or an agent raised it; RESOLVED once an
agent resolved it (the resolution's effects follow as a saga); CLOSED for good.

Every change appends an entry to the history (``pending_entries``, written by the unit of work
in the change's transaction) and, where someone should hear of it, records an event naming them.
The first-response clock stops at the first answer an agent gives the participants and never
moves again; later updates do not touch it (the weak spot of helpdesks whose update targets
overwrite the first-response one).

Pure: no I/O.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from callsheet_kit.domain import Aggregate, DomainEvent
from callsheet_kit.errors import permission_denied
from services.support.domain.cases import WAITING_STATES, CaseState, CaseType, Payload
from services.support.domain.errors import SupportReason
from services.support.domain.sla import CaseSla, Priority, SlaPolicy, sla_from_json, sla_to_json

REDACTED = "[redacted]"
# How soon a case the sweeper found not yet overdue is looked at again, at the latest.
RECHECK = timedelta(minutes=1)
FINAL_STATES = frozenset({CaseState.CLOSED})
# States an agent may move a case to by hand (RESOLVED comes with a resolution, CLOSED after it).
WORKING_STATES = frozenset(
    {CaseState.OPEN, CaseState.PENDING_CUSTOMER, CaseState.PENDING_PROVIDER, CaseState.ESCALATED}
)


@dataclass(frozen=True)
class HistoryEntry:
    """One entry of a case's history as the case writes it (the store gives it an id and a place)."""

    kind: str
    actor: str
    payload: Mapping[str, Any]
    at: datetime
    internal: bool = False


@dataclass(frozen=True, kw_only=True)
class CaseEvent(DomainEvent):
    """Something that happened to a case that someone should hear of."""

    recipients: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class CaseOpened(CaseEvent):
    """A case was opened."""


@dataclass(frozen=True, kw_only=True)
class CaseUpdated(CaseEvent):
    """A case changed: a message, a state, an assignment."""

    change: str


@dataclass(frozen=True, kw_only=True)
class CaseEscalated(CaseEvent):
    """A case missed an SLA target, or an agent raised it."""

    reason: str


@dataclass(frozen=True, kw_only=True)
class CaseResolved(CaseEvent):
    """A case was resolved."""

    note: str


@dataclass(frozen=True, kw_only=True)
class CaseRedacted(CaseEvent):
    """Something of a case was redacted."""

    target: str
    reason: str


@dataclass(frozen=True)
class Opening:
    """What a new case is made of."""

    case_id: str
    key: str
    case_type: CaseType
    opened_by: str
    order_id: str | None
    participants: Sequence[str]
    subject: str
    description: str
    payload: Payload
    queue: str
    priority: Priority
    policy: SlaPolicy
    agents: Sequence[str] = ()
    resolution_due: datetime | None = None
    progress: Mapping[str, Any] = field(default_factory=dict)


def _audience(people: Iterable[str], actor: str) -> tuple[str, ...]:
    """Who hears of a change: everyone named but the one who made it, each once."""
    return tuple(dict.fromkeys(person for person in people if person and person != actor))


class SupportCase(Aggregate):
    """A case of the support centre (mapped onto ``sup.support_case`` by the adapters)."""

    case_id: str
    key: str
    type: str
    state: str
    version: int
    priority: str
    queue: str
    order_id: str | None
    opened_by: str
    participants: list[str]
    assignee_id: str | None
    subject: str
    description: str
    payload: dict[str, Any]
    sla: dict[str, Any]
    first_response_due: datetime | None
    resolution_due: datetime | None
    next_due: datetime | None
    sla_breached: bool
    progress: dict[str, Any]
    wake_at: datetime | None
    evidence_key: str | None
    resolution: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None

    _ENTRIES = "_pending_entries"

    @property
    def event_subject(self) -> str:
        """Events of a case are about the case."""
        return self.case_id

    @classmethod
    def open(cls, opening: Opening, *, now: datetime) -> SupportCase:
        """A NEW case with both SLA clocks running from ``now`` on the policy's snapshot."""
        case = cls()
        case.case_id, case.key, case.type = opening.case_id, opening.key, opening.case_type.value
        case.state, case.version = CaseState.NEW.value, 1
        case.priority, case.queue = opening.priority.value, opening.queue
        case.order_id, case.opened_by = opening.order_id, opening.opened_by
        case.participants = list(dict.fromkeys(p for p in opening.participants if p))
        case.assignee_id = None
        case.subject, case.description = opening.subject, opening.description
        case.payload, case.progress = dict(opening.payload), dict(opening.progress)
        case.sla_breached, case.wake_at, case.evidence_key, case.resolution = False, None, None, None
        case.created_at = case.updated_at = now
        case.resolved_at = None
        case._set_sla(CaseSla.opened(opening.policy, now, resolution_due=opening.resolution_due), [])
        case.note(
            "opened",
            opening.opened_by,
            {
                "type": case.type,
                "priority": case.priority,
                "queue": case.queue,
                "subject": case.subject,
                "firstResponseDue": _iso(case.first_response_due),
                "resolutionDue": _iso(case.resolution_due),
            },
            now,
        )
        case.record(
            CaseOpened(
                actor=opening.opened_by,
                occurred_at=now,
                recipients=_audience([*case.participants, *opening.agents], ""),
            )
        )
        return case

    # -- reading -------------------------------------------------------------------------------

    @property
    def case_type(self) -> CaseType:
        """The case's type."""
        return CaseType(self.type)

    @property
    def case_state(self) -> CaseState:
        """The case's state."""
        return CaseState(self.state)

    def visible_to(self, user_id: str, *, is_staff: bool) -> bool:
        """Staff see every case; a user sees the cases they take part in."""
        return is_staff or (bool(user_id) and user_id in self.participants)

    def clocks(self) -> tuple[CaseSla, list[str]]:
        """The SLA clocks and the names of those already escalated."""
        return sla_from_json(self.sla)

    def pending_entries(self) -> list[HistoryEntry]:
        """The history entries of this transaction, oldest first, forgetting them."""
        entries: list[HistoryEntry] = self.__dict__.pop(self._ENTRIES, [])
        return entries

    # -- changing ------------------------------------------------------------------------------

    def note(self, kind: str, actor: str, payload: Mapping[str, Any], now: datetime, *, internal: bool = False) -> None:
        """Appends an entry to the history."""
        self.__dict__.setdefault(self._ENTRIES, []).append(HistoryEntry(kind, actor, dict(payload), now, internal))

    def _touch(self, now: datetime) -> None:
        self.version += 1
        self.updated_at = now

    def _set_sla(self, sla: CaseSla, escalated: list[str]) -> None:
        self.sla = sla_to_json(sla, escalated=escalated)
        self.first_response_due = sla.first_response.due()
        self.resolution_due = sla.resolution.due()
        watched = [
            due
            for name, clock in (("first_response", sla.first_response), ("resolution", sla.resolution))
            if name not in escalated and (due := clock.due()) is not None
        ]
        self.next_due = min(watched) if watched else None

    def _require_open(self, action: str) -> None:
        if self.case_state in FINAL_STATES or self.case_state is CaseState.RESOLVED:
            raise SupportReason.CASE_STATE.error(f"a {self.state} case cannot {action}", state=self.state)

    def _move(self, to: CaseState, now: datetime) -> CaseState:
        """Moves the case, pausing or resuming its clocks as it enters or leaves a waiting state."""
        was = self.case_state
        if to is was:
            return was
        sla, escalated = self.clocks()
        if to in WAITING_STATES and was not in WAITING_STATES:
            sla = sla.waiting(now)
        elif was in WAITING_STATES and to not in WAITING_STATES:
            sla = sla.back(now)
        if to is CaseState.RESOLVED:
            sla = sla.resolved(now)
        self._set_sla(sla, escalated)
        self.state = to.value
        return was

    def message(
        self,
        *,
        actor: str,
        body: str,
        is_agent: bool,
        internal: bool,
        to_state: CaseState | None,
        agents: Sequence[str],
        now: datetime,
    ) -> None:
        """A message: an agent's reply (answers the first-response clock unless internal) or a
        participant's (which brings a waiting case back to the team)."""
        self._require_open("take messages")
        if not is_agent and (internal or to_state is not None):
            raise permission_denied("only support agents write internal notes or move cases")
        if to_state is not None and to_state not in WORKING_STATES:
            raise SupportReason.CASE_STATE.error(f"a reply cannot move a case to {to_state.value}", state=self.state)
        kind = "note" if internal else ("reply" if is_agent else "message")
        self.note(kind, actor, {"body": body}, now, internal=internal)
        if internal:
            self._touch(now)
            return
        if is_agent:
            sla, escalated = self.clocks()
            self._set_sla(sla.answered(now), escalated)
            was = self._move(
                to_state or (self.case_state if self.case_state is not CaseState.NEW else CaseState.OPEN), now
            )
            if self.case_state is not was:
                self.note("state_changed", actor, {"from": was.value, "to": self.state}, now)
            change = {
                CaseState.PENDING_CUSTOMER: "Support is waiting for your answer",
                CaseState.PENDING_PROVIDER: "Support is waiting for the provider's answer",
            }.get(self.case_state, "Support replied")
            recipients = _audience(self.participants, actor)
        else:
            if self.case_state in WAITING_STATES:
                was = self._move(CaseState.OPEN, now)
                self.note("state_changed", actor, {"from": was.value, "to": self.state}, now)
            change = "New message on the case"
            recipients = _audience([self.assignee_id] if self.assignee_id else agents, actor)
        self._touch(now)
        self.record(CaseUpdated(actor=actor, occurred_at=now, recipients=recipients, change=change))

    def assign(self, *, actor: str, assignee: str | None, now: datetime) -> bool:
        """Assigns the case to an agent (None: nobody); a NEW case becomes OPEN. False when unchanged."""
        self._require_open("be assigned")
        if assignee == self.assignee_id:
            return False
        before, self.assignee_id = self.assignee_id, assignee
        self.note("assigned", actor, {"from": before, "to": assignee}, now)
        if assignee and self.case_state is CaseState.NEW:
            was = self._move(CaseState.OPEN, now)
            self.note("state_changed", actor, {"from": was.value, "to": self.state}, now)
        self._touch(now)
        if assignee:
            self.record(
                CaseUpdated(
                    actor=actor, occurred_at=now, recipients=_audience([assignee], actor), change="Assigned to you"
                )
            )
        return True

    def change(
        self, *, actor: str, to_state: CaseState | None, priority: Priority | None, note: str, now: datetime
    ) -> bool:
        """An agent moves the case or changes its priority (priority does not rewrite the SLA
        snapshot: the targets are the ones the case opened with). False when nothing changed."""
        changed = False
        if to_state is not None and to_state is not self.case_state:
            if to_state is CaseState.CLOSED:
                if self.case_state is not CaseState.RESOLVED:
                    raise SupportReason.CASE_STATE.error("only a RESOLVED case is closed", state=self.state)
            else:
                self._require_open("change state")
                if to_state not in WORKING_STATES:
                    raise SupportReason.CASE_STATE.error(
                        f"a case is moved to {to_state.value} by resolving it", state=self.state
                    )
            was = self._move(to_state, now)
            self.note("state_changed", actor, {"from": was.value, "to": self.state, "note": note}, now)
            changed = True
        if priority is not None and priority.value != self.priority:
            self._require_open("change priority")
            self.note("priority_changed", actor, {"from": self.priority, "to": priority.value, "note": note}, now)
            self.priority = priority.value
            changed = True
        if changed:
            self._touch(now)
            self.record(
                CaseUpdated(
                    actor=actor,
                    occurred_at=now,
                    recipients=_audience(self.participants, actor),
                    change=_state_words(self.case_state),
                )
            )
        return changed

    def escalate_overdue(self, *, agents: Sequence[str], now: datetime) -> list[str]:
        """The clocks past their target by ``now`` and not escalated yet: the case is marked
        breached and ESCALATED, once per clock. Returns the clocks escalated."""
        if self.case_state in FINAL_STATES or self.case_state is CaseState.RESOLVED:
            return []
        sla, escalated = self.clocks()
        overdue = [name for name in sla.breached(now) if name not in escalated]
        if not overdue:
            self._set_sla(sla, escalated)
            if self.next_due is not None and self.next_due <= now:
                # Never due again at once: a sweeper would take the case over and over.
                self.next_due = now + RECHECK
            return []
        self._set_sla(sla, [*escalated, *overdue])
        self.sla_breached = True
        was = self._move(CaseState.ESCALATED, now)
        reason = " and ".join(name.replace("_", " ") for name in overdue) + " overdue"
        self.note("escalated", "", {"reason": reason, "from": was.value, "clocks": overdue}, now)
        self._touch(now)
        self.record(
            CaseEscalated(
                actor="",
                occurred_at=now,
                recipients=_audience([*([self.assignee_id] if self.assignee_id else []), *agents], ""),
                reason=reason,
            )
        )
        return overdue

    def resolve(self, *, actor: str, resolution: Mapping[str, Any], now: datetime) -> None:
        """RESOLVED with the agent's resolution; both clocks stop."""
        self._require_open("be resolved")
        was = self._move(CaseState.RESOLVED, now)
        self.resolution = dict(resolution)
        self.resolved_at = now
        self.note("resolved", actor, {"from": was.value, **self.resolution}, now)
        self._touch(now)
        self.record(
            CaseResolved(
                actor=actor,
                occurred_at=now,
                recipients=_audience(self.participants, actor),
                note=str(resolution.get("note", "")),
            )
        )

    def resolution_applied(self, *, effects: Mapping[str, Any], now: datetime) -> None:
        """The resolution's effects were applied in the owning services."""
        self.note("resolution_applied", "", dict(effects), now)
        self._touch(now)

    def resolution_failed(self, *, failure: str, agents: Sequence[str], now: datetime) -> None:
        """An owner refused the resolution for good: the case goes back to the agents, escalated."""
        self.note("resolution_failed", "", {"failure": failure}, now)
        self.state = CaseState.ESCALATED.value
        self.resolved_at = None
        self._touch(now)
        self.record(
            CaseEscalated(
                actor="",
                occurred_at=now,
                recipients=_audience([*([self.assignee_id] if self.assignee_id else []), *agents], ""),
                reason=f"the resolution could not be applied: {failure}",
            )
        )

    def close(self, *, actor: str, reason: str, now: datetime) -> None:
        """CLOSED for good by the system (a chargeback decided by the card network, a dispute withdrawn)."""
        if self.case_state is CaseState.CLOSED:
            return
        was = self._move(CaseState.RESOLVED, now) if self.case_state is not CaseState.RESOLVED else self.case_state
        self.state = CaseState.CLOSED.value
        self.resolved_at = self.resolved_at or now
        self.note("closed", actor, {"from": was.value, "reason": reason}, now)
        self._touch(now)
        self.record(
            CaseUpdated(actor=actor, occurred_at=now, recipients=_audience(self.participants, actor), change=reason)
        )

    def evidence_assembled(self, *, key: str, manifest: Mapping[str, Any], now: datetime) -> None:
        """The evidence pack is stored under ``key``."""
        self.evidence_key = key
        self.note("evidence_pack", "", dict(manifest), now)
        self._touch(now)

    def join(self, people: Iterable[str], *, now: datetime) -> None:
        """More people take part (the order's participants once known, a DMCA uploader)."""
        added = [person for person in people if person and person not in self.participants]
        if added:
            self.participants = [*self.participants, *added]
            self.note("participants_added", "", {"userIds": added}, now)
            self._touch(now)

    def redact_field(self, *, actor: str, field_path: str, reason: str, now: datetime) -> None:
        """Replaces the description or one payload field with the redaction mark."""
        if field_path == "description":
            if self.description == REDACTED:
                raise SupportReason.ALREADY_REDACTED.error("the description is already redacted")
            self.description = REDACTED
        else:
            self.payload = _redacted_payload(self.payload, field_path)
        self._redacted(actor=actor, target=field_path, reason=reason, now=now)

    def redact_message(self, *, actor: str, event_id: str, reason: str, now: datetime) -> None:
        """Records the redaction of a message's text (the store replaces the text)."""
        self._redacted(actor=actor, target=event_id, reason=reason, now=now)

    def _redacted(self, *, actor: str, target: str, reason: str, now: datetime) -> None:
        self.note("redacted", actor, {"target": target, "reason": reason}, now)
        self._touch(now)
        self.record(CaseRedacted(actor=actor, occurred_at=now, recipients=(), target=target, reason=reason))

    def advance(
        self,
        *,
        actor: str,
        kind: str,
        progress: Mapping[str, Any],
        entry: Mapping[str, Any],
        now: datetime,
        wake_at: datetime | None = None,
        change: str = "",
    ) -> None:
        """A step of the case's own flow (a DMCA notice's): its progress, a history entry, and the
        timer of its next step."""
        self.progress = {**self.progress, **progress}
        self.wake_at = wake_at
        self.note(kind, actor, entry, now)
        self._touch(now)
        if change:
            self.record(
                CaseUpdated(actor=actor, occurred_at=now, recipients=_audience(self.participants, actor), change=change)
            )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _state_words(state: CaseState) -> str:
    return {
        CaseState.OPEN: "Support is working on your case",
        CaseState.PENDING_CUSTOMER: "Support is waiting for your answer",
        CaseState.PENDING_PROVIDER: "Support is waiting for the provider's answer",
        CaseState.ESCALATED: "Your case was escalated",
        CaseState.CLOSED: "Your case is closed",
    }.get(state, f"The case is {state.value}")


def _redacted_payload(payload: Mapping[str, Any], field_path: str) -> dict[str, Any]:
    """The payload with the field at ``payload.a.b`` (or ``payload.list[2]``) replaced by the mark."""
    from callsheet_kit.errors import invalid_field

    parts = field_path.removeprefix("payload.").replace("]", "").replace("[", ".").split(".")
    if not field_path.startswith("payload.") or not all(parts):
        raise invalid_field("field", "must be description or a payload field such as payload.contact.phone")
    copied: Any = copy.deepcopy(dict(payload))
    node: Any = copied
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if isinstance(node, dict) and part in node:
            if last:
                if node[part] == REDACTED:
                    raise SupportReason.ALREADY_REDACTED.error(f"{field_path} is already redacted")
                node[part] = REDACTED
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            if last:
                if node[int(part)] == REDACTED:
                    raise SupportReason.ALREADY_REDACTED.error(f"{field_path} is already redacted")
                node[int(part)] = REDACTED
            node = node[int(part)]
        else:
            raise invalid_field("field", f"{field_path} is not a field of this case's payload")
    result: dict[str, Any] = copied
    return result
