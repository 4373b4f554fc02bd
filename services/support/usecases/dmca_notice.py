"""Acting on a DMCA notice (see ``domain.dmca`` for its steps), and the restore that follows a
counter-notice when no court action was reported.

Hiding and restoring media are calls to cards, made before the case records the step (a call is
never made inside a transaction); both are idempotent at cards, so a step retried after a crash
hides or restores once. The restore sweeper takes due notices with ``FOR UPDATE SKIP LOCKED``,
so replicas share it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from callsheet_kit.errors import invalid_field, permission_denied
from callsheet_kit.idempotency import check_key
from callsheet_kit.identity import Caller
from callsheet_kit.uow import execute, transactional
from services.support.domain.case import SupportCase
from services.support.domain.cases import CaseState, CaseType
from services.support.domain.dmca import (
    DmcaAction,
    DmcaStep,
    check_counter_notice,
    check_reason,
    check_suit,
    require_step,
    restore_window,
)
from services.support.domain.errors import SupportReason
from services.support.usecases.case_commands import require_version, visible_case
from services.support.usecases.ports import CaseView, Command, StrikeRecord, SupportDeps, SupportUnitOfWork

ACTIONS = ", ".join(action.value for action in DmcaAction)
BATCH = 20


def parse_action(value: str) -> DmcaAction:
    """The action named ``value``; INVALID_ARGUMENT naming ``action`` otherwise."""
    try:
        return DmcaAction(value)
    except ValueError:
        raise invalid_field("action", f"must be one of {ACTIONS}") from None


@dataclass(frozen=True)
class ActOnDmca(Command):
    """An action on a DMCA case; ``uploaders``: who uploaded the notice's media (read from cards
    before an ACCEPT)."""

    request_id: str
    case_id: str
    action: DmcaAction
    payload: Any
    expected_version: int
    uploaders: Sequence[str] = ()


def dmca_case(case: SupportCase) -> SupportCase:
    """The case, when it is a DMCA notice still being worked on."""
    if case.case_type is not CaseType.DMCA:
        raise SupportReason.CASE_TYPE.error(f"a {case.type} case takes no DMCA action")
    if case.case_state in (CaseState.RESOLVED, CaseState.CLOSED):
        raise SupportReason.CASE_STATE.error(f"the notice's case is {case.state}", state=case.state)
    return case


def check_permission(case: SupportCase, caller: Caller, action: DmcaAction) -> None:
    """Agents accept and reject; an uploader counters; the claimant or an agent reports a suit."""
    if action in (DmcaAction.ACCEPT, DmcaAction.REJECT) and not caller.is_staff:
        raise permission_denied("only support agents accept or reject a notice")
    if action is DmcaAction.COUNTER_NOTICE and caller.user_id not in case.progress.get("uploaders", []):
        raise permission_denied("only the uploader of the media files a counter-notice")
    if action is DmcaAction.REPORT_SUIT and not (caller.is_staff or caller.user_id == case.opened_by):
        raise permission_denied("only the claimant or a support agent reports a court action")


@transactional(idempotency="support.dmca")
async def act_on_dmca(uow: SupportUnitOfWork, command: ActOnDmca) -> CaseView:
    """Records the action's step on the notice (the media were hidden before, for an ACCEPT)."""
    check_key(command.request_id)
    case = dmca_case(await visible_case(uow, command.caller, command.case_id, lock=True))
    require_version(case, command.expected_version)
    check_permission(case, command.caller, command.action)
    require_step(case.progress, command.action)
    actor, now, media = command.caller.user_id, uow.now, list(case.payload["infringingMediaIds"])
    if command.action is DmcaAction.ACCEPT:
        uploaders = sorted(set(command.uploaders))
        for uploader in uploaders:
            await uow.add_strike(StrikeRecord(user_id=uploader, case_id=case.case_id, kind="DMCA", created_at=now))
        case.join(uploaders, now=now)
        case.advance(
            actor=actor,
            kind="dmca_takedown",
            progress={"dmcaStep": DmcaStep.TAKEN_DOWN.value, "uploaders": uploaders, "takenDownAt": now.isoformat()},
            entry={"mediaIds": media, "strikes": uploaders},
            now=now,
            change="The DMCA notice was accepted: the media are taken down",
        )
    elif command.action is DmcaAction.REJECT:
        reason = check_reason(command.payload)
        case.advance(
            actor=actor,
            kind="dmca_rejected",
            progress={"dmcaStep": DmcaStep.REJECTED.value},
            entry=reason,
            now=now,
            change="The DMCA notice was rejected",
        )
    elif command.action is DmcaAction.COUNTER_NOTICE:
        notice = check_counter_notice(command.payload, media)
        earliest, latest = restore_window(now)
        case.advance(
            actor=actor,
            kind="dmca_counter_notice",
            progress={
                "dmcaStep": DmcaStep.COUNTERED.value,
                "counteredAt": now.isoformat(),
                "restoreAt": earliest.isoformat(),
                "restoreBy": latest.isoformat(),
            },
            entry={**notice, "restoreAt": earliest.isoformat(), "restoreBy": latest.isoformat()},
            now=now,
            wake_at=earliest,
            change="A counter-notice was filed: the media come back unless a court action is reported",
        )
    else:
        suit = check_suit(command.payload)
        case.advance(
            actor=actor,
            kind="dmca_suit_reported",
            progress={"dmcaStep": DmcaStep.SUIT_REPORTED.value},
            entry=suit,
            now=now,
            wake_at=None,
            change="A court action was reported: the media stay down",
        )
    return await uow.view(case, is_staff=command.caller.is_staff)


async def act_on_dmca_with_media(deps: SupportDeps, command: ActOnDmca, *, respond: Any, request: Any) -> Any:
    """Runs a DMCA action: for an ACCEPT, cards hides the named media first and names their
    uploaders; the case then records the step (a repeat finds the media hidden and the step done)."""
    if command.action is DmcaAction.ACCEPT:
        async with deps.uow() as uow:
            case = dmca_case(await visible_case(uow, command.caller, command.case_id))
            check_permission(case, command.caller, command.action)
            require_version(case, command.expected_version)
            require_step(case.progress, command.action)
        media = list(case.payload["infringingMediaIds"])
        found = await deps.peers.describe_media(media)
        await deps.peers.set_media_hidden(
            request_id=f"{case.case_id}:takedown", media_ids=media, hidden=True, reason=f"DMCA takedown {case.case_id}"
        )
        command = ActOnDmca(
            caller=command.caller,
            request_id=command.request_id,
            case_id=command.case_id,
            action=command.action,
            payload=command.payload,
            expected_version=command.expected_version,
            uploaders=[item.uploader_id for item in found],
        )
    return await execute(act_on_dmca, command, uow=deps.uow(), respond=respond, request=request)


async def restore_countered(deps: SupportDeps) -> int:
    """Restores the media of notices whose counter-notice stood unanswered by a court action for
    10 business days; withdraws their strikes. Returns how many were restored."""
    async with deps.uow() as uow:
        due = [case.case_id for case in await uow.cases_waking(uow.now, limit=BATCH)]
    restored = 0
    for case_id in due:
        async with deps.uow() as uow:
            case = await uow.case(case_id)
            if case is None or case.wake_at is None or case.wake_at > uow.now:
                continue
            if case.progress.get("dmcaStep") != DmcaStep.COUNTERED.value:
                case.wake_at = None
                await uow.commit()
                continue
            media = list(case.payload.get("infringingMediaIds", []))
        await deps.peers.set_media_hidden(
            request_id=f"{case_id}:restore", media_ids=media, hidden=False, reason=f"DMCA counter-notice {case_id}"
        )
        async with deps.uow() as uow:
            case = await uow.case(case_id, lock=True)
            if case is None or case.wake_at is None or case.wake_at > uow.now:
                continue
            if case.progress.get("dmcaStep") != DmcaStep.COUNTERED.value:
                # A court action was reported while the media came back: they go down again.
                case.wake_at = None
                await uow.commit()
                await deps.peers.set_media_hidden(
                    request_id=f"{case_id}:suit", media_ids=media, hidden=True, reason=f"DMCA court action {case_id}"
                )
                continue
            await uow.withdraw_strikes(case_id, at=uow.now)
            case.advance(
                actor="",
                kind="dmca_restored",
                progress={"dmcaStep": DmcaStep.RESTORED.value, "restoredAt": uow.now.isoformat()},
                entry={"mediaIds": media, "strikesWithdrawn": True},
                now=uow.now,
                wake_at=None,
                change="The media were restored after the counter-notice",
            )
            await uow.commit()
            restored += 1
    return restored
