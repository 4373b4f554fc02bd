"""Resolving a case, and applying its resolution in the owning services as a saga.

``resolution`` is ``{"refundCents": int (0 for none), "note": string}``, and by type:
``"action": "none" | "warning" | "remove_media"`` for a policy violation, ``"evidence": {field: text}``
(Stripe's evidence fields) for a chargeback. The case is RESOLVED in the agent's transaction;
a saga started with it applies the effects, one idempotent step at a time:

| type | steps |
|---|---|
| BOOKING_DISPUTE | payments refunds the amount (if any), orders returns the order to COMPLETED, cards releases the payout freeze, settles the payout and closes the DISPUTE card |
| REFUND, PAYMENT_ISSUE, GENERAL with an order | payments refunds the amount (if any) |
| CHARGEBACK | payments submits the staged evidence to the card network (no refund: the bank decides) |
| POLICY_VIOLATION | remove_media: cards hides the media and each uploader gets a strike; warning: the reported user gets a strike |

An owner's final refusal puts the case back to the agents, ESCALATED, with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from callsheet_kit.errors import DomainError, Violations
from callsheet_kit.idempotency import check_key
from callsheet_kit.saga import TRANSIENT_CODES, Finished, Next, Outcome, Saga, SagaFlow
from callsheet_kit.uow import transactional
from callsheet_kit.validation import MAX_JSON_TEXT, as_object, integer, json_text, only_keys
from services.support.domain.case import SupportCase
from services.support.domain.cases import MAX_REFUND_CENTS, CaseType
from services.support.usecases.case_commands import require_agent, require_version, visible_case
from services.support.usecases.ports import CaseView, Command, Refundable, StrikeRecord, SupportDeps, SupportUnitOfWork

RESOLUTION = "case-resolution"
RESOLUTION_DEADLINE = timedelta(days=2)
ACTIONS = ("none", "warning", "remove_media")
# The evidence fields of a chargeback an agent may add (Stripe's names).
EVIDENCE_FIELDS = frozenset(
    {
        "access_activity_log",
        "cancellation_policy_disclosure",
        "cancellation_rebuttal",
        "customer_communication",
        "customer_email_address",
        "customer_name",
        "duplicate_charge_explanation",
        "product_description",
        "refund_policy_disclosure",
        "refund_refusal_explanation",
        "service_date",
        "uncategorized_text",
    }
)


def check_resolution(case: SupportCase, value: Any, refundable: Refundable | None) -> dict[str, Any]:
    """The resolution as checked for the case's type; INVALID_ARGUMENT naming every bad field."""
    violations = Violations()
    resolution = as_object(violations, "resolution", value)
    allowed = {"refundCents", "note"}
    if case.case_type is CaseType.POLICY_VIOLATION:
        allowed.add("action")
    if case.case_type is CaseType.CHARGEBACK:
        allowed.add("evidence")
    only_keys(violations, "resolution", resolution, allowed)
    if resolution.get("refundCents") is None:
        violations.add("resolution.refundCents", "is required (0 for none)")
    refund = integer(
        violations, "resolution.refundCents", resolution.get("refundCents", 0), low=0, high=MAX_REFUND_CENTS
    )
    checked: dict[str, Any] = {
        "refundCents": refund,
        "note": json_text(violations, "resolution.note", resolution.get("note"), required=True, max_length=2000),
    }
    if refund:
        if case.case_type is CaseType.CHARGEBACK:
            violations.add("resolution.refundCents", "must be 0: the card network decides a chargeback")
        elif case.case_type in (CaseType.DMCA, CaseType.POLICY_VIOLATION) or not case.order_id:
            violations.add("resolution.refundCents", "must be 0: the case is about no payment")
        elif refundable is not None and refund > refundable.cents:
            violations.add("resolution.refundCents", f"must be at most {refundable.cents}, what is left to refund")
    if case.case_type is CaseType.POLICY_VIOLATION:
        action = resolution.get("action", "none")
        if action not in ACTIONS:
            violations.add("resolution.action", f"must be one of {', '.join(ACTIONS)}")
        elif action == "remove_media" and case.payload.get("target", {}).get("kind") != "media":
            violations.add("resolution.action", "remove_media takes a report about a media item")
        checked["action"] = action
    if case.case_type is CaseType.CHARGEBACK and resolution.get("evidence") is not None:
        evidence = as_object(violations, "resolution.evidence", resolution.get("evidence"))
        only_keys(violations, "resolution.evidence", evidence, set(EVIDENCE_FIELDS))
        checked["evidence"] = {
            name: json_text(
                violations, f"resolution.evidence.{name}", text, required=True, max_length=MAX_JSON_TEXT * 8
            )
            for name, text in evidence.items()
            if name in EVIDENCE_FIELDS
        }
    if refundable is not None and refund:
        checked["currency"] = refundable.currency
    violations.raise_if_any()
    return checked


def steps_for(case: SupportCase, resolution: Mapping[str, Any]) -> list[str]:
    """The effects a resolution has, in order."""
    steps = ["refund"] if resolution.get("refundCents") else []
    if case.case_type is CaseType.BOOKING_DISPUTE:
        steps += ["resolve-order", "close-card"]
    elif case.case_type is CaseType.CHARGEBACK:
        steps.append("submit-evidence")
    elif case.case_type is CaseType.POLICY_VIOLATION and resolution.get("action") == "remove_media":
        steps.append("hide-media")
    return [*steps, "applied"]


@dataclass(frozen=True)
class ResolveCase(Command):
    """An agent resolves a case (``refundable``: what payments could still refund, read first)."""

    request_id: str
    case_id: str
    resolution: Any
    expected_version: int
    refundable: Refundable | None


@transactional(idempotency="support.resolve")
async def resolve_case(uow: SupportUnitOfWork, command: ResolveCase) -> CaseView:
    """RESOLVED now; its effects follow as a saga started in the same transaction."""
    require_agent(command.caller, "resolve cases")
    check_key(command.request_id)
    case = await visible_case(uow, command.caller, command.case_id, lock=True)
    require_version(case, command.expected_version)
    resolution = check_resolution(case, command.resolution, command.refundable)
    case.resolve(actor=command.caller.user_id, resolution=resolution, now=uow.now)
    steps = steps_for(case, resolution)
    await uow.start_saga(
        kind=RESOLUTION,
        key=f"{case.case_id}:resolution:{case.version}",
        subject=case.case_id,
        step=steps[0],
        data={"caseId": case.case_id, "steps": steps, "resolution": resolution, "by": command.caller.user_id},
        deadline=uow.now + RESOLUTION_DEADLINE,
    )
    return await uow.view(case, is_staff=True)


def _following(saga: Saga) -> str:
    steps: Sequence[str] = saga.data["steps"]
    return steps[steps.index(saga.step) + 1]


@dataclass(frozen=True)
class CaseResolution(SagaFlow):
    """The steps of a resolution (see the module's table)."""

    deps: SupportDeps
    kind = RESOLUTION
    steps = ("refund", "resolve-order", "close-card", "submit-evidence", "hide-media", "applied")

    async def _case(self, saga: Saga) -> SupportCase:
        async with self.deps.uow() as uow:
            case = await uow.case(str(saga.data["caseId"]))
        assert case is not None
        return case

    async def run(self, saga: Saga) -> Outcome:
        """Runs one effect; an owner's final refusal escalates the case."""
        if saga.step == "applied":
            return await self._applied(saga, failure=None)
        case = await self._case(saga)
        try:
            data = await self._effect(saga.step, case, saga)
        except DomainError as error:
            if error.code in TRANSIENT_CODES:
                raise
            return await self._applied(saga, failure=f"{saga.step}: {error.message}")
        return Next(_following(saga), data)

    async def _effect(self, step: str, case: SupportCase, saga: Saga) -> dict[str, Any]:
        peers, resolution = self.deps.peers, saga.data["resolution"]
        request_id = f"{saga.key}:{step}"
        if step == "refund":
            await peers.refund(
                request_id=request_id,
                order_id=str(case.order_id),
                cents=int(resolution["refundCents"]),
                currency=str(resolution.get("currency", "")),
                reason=f"support case {case.case_id}: {resolution['note']}",
            )
            return {"refunded": int(resolution["refundCents"])}
        if step == "resolve-order":
            await peers.resolve_order_dispute(request_id=request_id, order_id=str(case.order_id))
            return {}
        if step == "close-card":
            await peers.resolve_dispute_card(
                request_id=request_id, card_id=str(case.payload["cardId"]), note=str(resolution["note"])
            )
            return {}
        if step == "submit-evidence":
            await peers.submit_dispute_evidence(
                request_id=request_id,
                dispute_id=str(case.payload["disputeId"]),
                evidence=dict(resolution.get("evidence", {})),
                submit=True,
            )
            return {}
        if step == "hide-media":
            media_id = str(case.payload["target"]["id"])
            found = await peers.describe_media([media_id])
            await peers.set_media_hidden(
                request_id=request_id, media_ids=[media_id], hidden=True, reason=f"policy violation {case.case_id}"
            )
            return {"uploaders": sorted({media.uploader_id for media in found})}
        raise ValueError(f"no step {step} in a case resolution")

    async def _applied(self, saga: Saga, *, failure: str | None) -> Outcome:
        """The last step, in one local transaction with the saga's end: the case notes the outcome."""
        async with self.deps.uow() as uow:
            case = await uow.case(str(saga.data["caseId"]), lock=True)
            assert case is not None
            if failure is not None:
                queue = await uow.queue(case.queue)
                case.resolution_failed(failure=failure, agents=queue.agent_ids if queue else (), now=uow.now)
            else:
                for user_id in self._struck(case, saga):
                    await uow.add_strike(
                        StrikeRecord(user_id=user_id, case_id=case.case_id, kind=case.type, created_at=uow.now)
                    )
                effects = {k: v for k, v in saga.data.items() if k in ("refunded", "uploaders")}
                case.resolution_applied(effects={"steps": saga.data["steps"][:-1], **effects}, now=uow.now)
            ended = await uow.finish_saga(saga)
            await uow.commit()
        return Finished(ended)

    @staticmethod
    def _struck(case: SupportCase, saga: Saga) -> list[str]:
        """Who a policy-violation resolution counts a strike against."""
        action = saga.data["resolution"].get("action")
        if action == "remove_media":
            return list(saga.data.get("uploaders", []))
        if action == "warning":
            target = case.payload.get("target", {})
            return [str(target["id"])] if target.get("kind") == "user" else []
        return []
