"""A case's evidence pack, assembled as a saga when a case about an order opens.

``gather``: the order's evidence is read over gRPC from orders, cards and payments (as support,
for no user), packed into a zip whose manifest holds the SHA-256 of every file, and stored
through the object-storage port under a key named by the pack's own hash; the case records the
key and the manifest in its history, in one local transaction with the saga's end. A booking
dispute's case learns the order's two participants on the way (both may see it), a chargeback's
its provider. ``stage-evidence`` (chargebacks): the facts of the booking are staged on the
payment dispute, for the agent to add to and submit before ``due_by``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from callsheet_kit.identity import Caller
from callsheet_kit.saga import Complete, Finished, Next, Outcome, Saga, SagaFlow
from services.support.domain.cases import CaseType
from services.support.domain.evidence import build_pack, read_pack
from services.support.usecases.open_case import EVIDENCE
from services.support.usecases.ports import OrderFacts, SupportDeps

SUPPORT = Caller(service="support")


def staged_evidence(case_id: str, order: OrderFacts, manifest: dict[str, Any], digest: str) -> dict[str, str]:
    """What support stages on a chargeback from the booking's record (Stripe's evidence fields)."""
    listed = "\n".join(f"- {item['path']} (sha256 {item['sha256']})" for item in manifest["files"])
    return {
        "product_description": (
            f"A booked creative service (order {order.order_id}) between the buyer and a provider on Callsheet."
        ),
        "uncategorized_text": (
            f"Evidence pack of support case {case_id} (sha256 {digest}) holds the order's timeline, its action "
            f"cards and responses, payments and receipts, deliverables and the policy accepted at checkout:\n{listed}"
        ),
    }


@dataclass(frozen=True)
class EvidencePack(SagaFlow):
    """Assembles and stores a case's evidence pack."""

    deps: SupportDeps
    kind = EVIDENCE
    steps = ("gather", "stage-evidence")

    async def run(self, saga: Saga) -> Outcome:
        """Gathers, packs and stores; then, for a chargeback, stages the booking's facts."""
        case_id, order_id = str(saga.data["caseId"]), str(saga.data["orderId"])
        case_type = CaseType(str(saga.data["type"]))
        if saga.step == "stage-evidence":
            await self.deps.peers.submit_dispute_evidence(
                request_id=f"{saga.key}:stage",
                dispute_id=str(saga.data["disputeId"]),
                evidence=saga.data["staged"],
                submit=False,
            )
            return Complete()
        order = await self.deps.peers.order(order_id, caller=SUPPORT)
        pack = build_pack(case_id, order_id, self.deps.clock.now(), await self.deps.evidence.gather(order_id))
        manifest, digest = read_pack(pack), hashlib.sha256(pack).hexdigest()
        key = f"support/{case_id}/evidence-{digest[:16]}.zip"
        await self.deps.store.put(key, pack, content_type="application/zip")
        async with self.deps.uow() as uow:
            case = await uow.case(case_id, lock=True)
            assert case is not None
            if case_type is CaseType.BOOKING_DISPUTE:
                case.join([order.buyer_id, order.provider_id], now=uow.now)
            elif case_type is CaseType.CHARGEBACK:
                case.join([order.provider_id], now=uow.now)
            if case.evidence_key is None:
                summary = {
                    "sha256": digest,
                    "bytes": len(pack),
                    "generatedAt": manifest["generatedAt"],
                    "files": [{"path": item["path"], "sha256": item["sha256"]} for item in manifest["files"]],
                }
                case.evidence_assembled(key=key, manifest=summary, now=uow.now)
            if case_type is CaseType.CHARGEBACK:
                await uow.commit()
                return Next(
                    "stage-evidence",
                    {
                        "disputeId": case.payload["disputeId"],
                        "staged": staged_evidence(case_id, order, manifest, digest),
                    },
                )
            ended = await uow.finish_saga(saga)
            await uow.commit()
        return Finished(ended)
