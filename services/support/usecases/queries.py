"""Reading cases: one with its history, a page of a listing, a user's strikes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from callsheet_kit.errors import invalid_field, permission_denied
from callsheet_kit.paging import decode_cursor, encode_cursor
from callsheet_kit.uow import transactional
from services.support.domain.case import SupportCase
from services.support.domain.cases import CaseType
from services.support.usecases.case_commands import parse_state, visible_case
from services.support.usecases.ports import CaseFilter, CaseView, Command, StrikeRecord, SupportUnitOfWork

# The name cursors of the case listing carry, so no other list accepts them.
CASES = "cases"


@dataclass(frozen=True)
class GetCase(Command):
    """Asks for one case."""

    case_id: str


@transactional()
async def get_case(uow: SupportUnitOfWork, command: GetCase) -> CaseView:
    """The case with its history; NOT_FOUND for someone who takes no part in it."""
    case = await visible_case(uow, command.caller, command.case_id)
    return await uow.view(case, is_staff=command.caller.is_staff)


def case_cursor(case: SupportCase) -> str:
    """The cursor a listing continues after ``case`` from."""
    return encode_cursor(CASES, case.created_at.isoformat(), case.case_id)


@dataclass(frozen=True)
class ListCases(Command):
    """Asks for a page of cases."""

    size: int
    page_token: str
    states: Sequence[str]
    types: Sequence[str]
    queue: str
    assignee_id: str


@transactional()
async def list_cases(uow: SupportUnitOfWork, command: ListCases) -> tuple[Sequence[CaseView], str]:
    """Newest first: the caller's own cases, or any case for staff (by queue or assignee)."""
    caller = command.caller
    if not caller.user_id:
        raise permission_denied("a user lists cases")
    if (command.queue or command.assignee_id) and not caller.is_staff:
        raise permission_denied("only support agents list a queue's or an agent's cases")
    states = [state for index, name in enumerate(command.states) if (state := parse_state(name, f"states[{index}]"))]
    types = []
    for index, name in enumerate(command.types):
        try:
            types.append(CaseType(name))
        except ValueError:
            raise invalid_field(f"types[{index}]", "must be a case type") from None
    after = None
    if command.page_token:
        created, case_id = decode_cursor(command.page_token, CASES, str, str)
        after = (datetime.fromisoformat(created), case_id)
    cases = await uow.list_cases(
        CaseFilter(
            viewer=caller.user_id,
            is_staff=caller.is_staff,
            states=states,
            types=types,
            queue=command.queue,
            assignee_id=caller.user_id if command.assignee_id == "me" else command.assignee_id,
            after=after,
            limit=command.size,
        )
    )
    page = list(cases)[: command.size]
    token = case_cursor(page[-1]) if len(cases) > command.size else ""
    return [CaseView(case=case) for case in page], token


@dataclass(frozen=True)
class GetStrikes(Command):
    """Asks for a user's strikes."""

    user_id: str


@transactional()
async def get_strikes(uow: SupportUnitOfWork, command: GetStrikes) -> Sequence[StrikeRecord]:
    """A user's strikes, to support agents and to the user themself."""
    if not command.user_id:
        raise invalid_field("user_id", "is required")
    if not (command.caller.is_staff or command.caller.user_id == command.user_id):
        raise permission_denied("only support agents see another user's strikes")
    return await uow.strikes(command.user_id)
