"""What people do on a case: participants and agents write, agents assign, move, prioritise and redact.

Buyers and providers reach only the cases they take part in (NOT_FOUND otherwise, never a hint
that the case exists); support agents and admins reach every case. Each command checks the
version the agent saw where two agents could collide (assignment, state), and is idempotent by
its key.
"""

from __future__ import annotations

from dataclasses import dataclass

from callsheet_kit.errors import Violations, conflict, invalid_field, not_found, permission_denied
from callsheet_kit.idempotency import check_key
from callsheet_kit.identity import Caller
from callsheet_kit.uow import transactional
from callsheet_kit.validation import MAX_ID, MAX_TEXT, check_text
from services.support.domain.case import SupportCase
from services.support.domain.cases import CaseState
from services.support.domain.errors import SupportReason
from services.support.domain.sla import Priority
from services.support.usecases.ports import CaseView, Command, SupportUnitOfWork

MAX_REASON = 1000
STATES = ", ".join(state.value for state in CaseState)
PRIORITIES = ", ".join(priority.value for priority in Priority)


async def visible_case(uow: SupportUnitOfWork, caller: Caller, case_id: str, *, lock: bool = False) -> SupportCase:
    """The case when the caller may see it (locked when asked); NOT_FOUND otherwise."""
    case = await uow.case(case_id, lock=lock) if case_id and len(case_id) <= MAX_ID else None
    if case is None or not case.visible_to(caller.user_id, is_staff=caller.is_staff):
        raise not_found("case")
    return case


def require_agent(caller: Caller, action: str) -> None:
    """PERMISSION_DENIED unless a support agent or admin asks."""
    if not caller.is_staff:
        raise permission_denied(f"only support agents {action}")


def require_version(case: SupportCase, expected: int) -> None:
    """CONFLICT when the case moved on since the version the caller saw."""
    if expected != case.version:
        raise conflict(case.version)


def parse_state(value: str, field: str = "state") -> CaseState | None:
    """A state by name ("" for none); INVALID_ARGUMENT naming ``field`` otherwise."""
    if not value:
        return None
    try:
        return CaseState(value)
    except ValueError:
        raise invalid_field(field, f"must be one of {STATES}") from None


@dataclass(frozen=True)
class ReplyToCase(Command):
    """A message on a case."""

    request_id: str
    case_id: str
    body: str
    state: str
    internal: bool


@transactional(idempotency="support.reply")
async def reply_to_case(uow: SupportUnitOfWork, command: ReplyToCase) -> CaseView:
    """A participant's message, or an agent's reply or internal note."""
    check_key(command.request_id)
    violations = Violations()
    check_text(violations, "body", command.body, max_length=MAX_TEXT, required=True, multiline=True)
    to_state = parse_state(command.state)
    violations.raise_if_any()
    case = await visible_case(uow, command.caller, command.case_id, lock=True)
    queue = await uow.queue(case.queue)
    case.message(
        actor=command.caller.user_id,
        body=command.body.strip(),
        is_agent=command.caller.is_staff,
        internal=command.internal,
        to_state=to_state,
        agents=queue.agent_ids if queue else (),
        now=uow.now,
    )
    return await uow.view(case, is_staff=command.caller.is_staff)


@dataclass(frozen=True)
class AssignCase(Command):
    """An agent assigns a case."""

    request_id: str
    case_id: str
    assignee_id: str
    expected_version: int


@transactional(idempotency="support.assign")
async def assign_case(uow: SupportUnitOfWork, command: AssignCase) -> CaseView:
    """Assigns the case to the caller or an agent of its queue ("" takes it off its assignee)."""
    require_agent(command.caller, "assign cases")
    check_key(command.request_id)
    case = await visible_case(uow, command.caller, command.case_id, lock=True)
    require_version(case, command.expected_version)
    assignee = command.assignee_id.strip()
    if assignee and assignee != command.caller.user_id:
        queue = await uow.queue(case.queue)
        if queue is None or assignee not in queue.agent_ids:
            raise invalid_field("assignee_id", f"must be you or an agent of the {case.queue} queue")
    case.assign(actor=command.caller.user_id, assignee=assignee or None, now=uow.now)
    return await uow.view(case, is_staff=True)


@dataclass(frozen=True)
class ChangeCase(Command):
    """An agent moves a case or changes its priority."""

    request_id: str
    case_id: str
    state: str
    priority: str
    note: str
    expected_version: int


@transactional(idempotency="support.change")
async def change_case(uow: SupportUnitOfWork, command: ChangeCase) -> CaseView:
    """Moves the case (clocks pause while it waits on someone) or re-prioritises it."""
    require_agent(command.caller, "change cases")
    check_key(command.request_id)
    violations = Violations()
    to_state = parse_state(command.state)
    priority = None
    if command.priority:
        try:
            priority = Priority(command.priority)
        except ValueError:
            violations.add("priority", f"must be one of {PRIORITIES}")
    check_text(violations, "note", command.note, max_length=MAX_REASON, multiline=True)
    if to_state is None and priority is None and not violations:
        violations.add("state", "or priority is required")
    violations.raise_if_any()
    case = await visible_case(uow, command.caller, command.case_id, lock=True)
    require_version(case, command.expected_version)
    case.change(actor=command.caller.user_id, to_state=to_state, priority=priority, note=command.note, now=uow.now)
    return await uow.view(case, is_staff=True)


@dataclass(frozen=True)
class RedactCase(Command):
    """An agent redacts a message or a payload field."""

    request_id: str
    case_id: str
    event_id: str
    field: str
    reason: str


@transactional(idempotency="support.redact")
async def redact_case(uow: SupportUnitOfWork, command: RedactCase) -> CaseView:
    """Replaces the content with the redaction mark; who, when and why become their own entry
    (and an event the order's timeline records)."""
    require_agent(command.caller, "redact cases")
    check_key(command.request_id)
    violations = Violations()
    check_text(violations, "reason", command.reason, max_length=MAX_REASON, required=True, multiline=True)
    if bool(command.event_id) == bool(command.field):
        violations.add("event_id", "or field is required, not both")
    violations.raise_if_any()
    case = await visible_case(uow, command.caller, command.case_id, lock=True)
    actor = command.caller.user_id
    if command.event_id:
        entry = await uow.history_entry(case.case_id, command.event_id)
        if entry is None or "body" not in entry.payload:
            raise invalid_field("event_id", "must be a message of this case")
        if entry.redacted_by is not None:
            raise SupportReason.ALREADY_REDACTED.error("the message is already redacted")
        await uow.redact_entry(entry.event_id, by=actor)
        case.redact_message(actor=actor, event_id=entry.event_id, reason=command.reason.strip(), now=uow.now)
    else:
        case.redact_field(actor=actor, field_path=command.field, reason=command.reason.strip(), now=uow.now)
    return await uow.view(case, is_staff=True)
