"""Chargebacks: Stripe's ``charge.dispute.*`` events drive ``pay.dispute``; support submits the evidence.

A dispute opens with ``charge.dispute.created``: Stripe withdraws the disputed amount (held until
the card network decides) and its fee from the balance, which the ledger records; the order's
payout is frozen; ``dispute.opened`` lets the support centre open a CHARGEBACK case with the
dispute's ``due_by`` as its deadline. ``charge.dispute.updated`` moves it on (under review once
evidence is in); ``charge.dispute.closed`` decides it:
- won: the amount comes back (the fee does not) and the freeze is released;
- lost: the amount is gone, taken from the provider's share, the platform fee and the tax in the
  proportions a refund would take; when the provider had been paid out, their share becomes a
  debt that a transfer reversal recovers; the freeze is released for what is left.

Deliveries repeat and arrive out of order. Every event carries the whole dispute, so whichever
arrives first opens the dispute with its effects; a decided dispute never changes again; and
among undecided states an event older than the last one applied is ignored.

Evidence is staged (merged over what was staged) and submitted once: the submission is claimed
in a transaction (``submit_key``) before Stripe is asked, so two submissions can never both go.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from callsheet_kit.errors import Violations, not_found, permission_denied
from callsheet_kit.idempotency import check_key
from callsheet_kit.ids import new_id
from callsheet_kit.validation import MAX_ID, check_text
from services.payments.domain.errors import PaymentsReason
from services.payments.domain.payment import DisputeFacts, Payment
from services.payments.usecases.access import payment_to_move
from services.payments.usecases.payouts import recover_from_provider
from services.payments.usecases.ports import Command, DisputeRecord, PaymentsDeps, PaymentsUnitOfWork, StripeEvent
from services.payments.usecases.reserves import freeze, release

SUPPORT_SERVICE = "support"
DECIDED = frozenset({"won", "lost", "warning_closed"})
STATUSES = frozenset({"warning_needs_response", "warning_under_review", "needs_response", "under_review"}) | DECIDED
# Stripe's dispute evidence fields that take text (files are uploaded separately).
EVIDENCE_FIELDS = frozenset(
    {
        "access_activity_log",
        "billing_address",
        "cancellation_policy_disclosure",
        "cancellation_rebuttal",
        "customer_communication",
        "customer_email_address",
        "customer_name",
        "customer_purchase_ip",
        "duplicate_charge_explanation",
        "duplicate_charge_id",
        "product_description",
        "refund_policy_disclosure",
        "refund_refusal_explanation",
        "service_date",
        "service_documentation",
        "shipping_address",
        "uncategorized_text",
    }
)
MAX_EVIDENCE_TEXT = 20_000


def _freeze_key(dispute_id: str) -> str:
    return f"dispute:{dispute_id}"


def facts(dispute: DisputeRecord) -> DisputeFacts:
    """A stored dispute as its events report it."""
    return DisputeFacts(
        dispute_id=dispute.dispute_id,
        stripe_dispute_id=dispute.stripe_dispute,
        status=dispute.status,
        reason=dispute.reason,
        due_by=dispute.due_by,
        evidence_submitted=dispute.evidence_submitted_at is not None,
        created_at=dispute.created_at,
    )


def _when(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), UTC) if isinstance(value, int | float) and value else None


async def _opened(
    uow: PaymentsUnitOfWork, payment: Payment, found: dict[str, Any], event: StripeEvent, fee_cents: int
) -> DisputeRecord:
    """Records a dispute seen for the first time, with its withdrawal and the order's freeze.

    Its amount leaves out refunds on their way (recorded, not yet confirmed by Stripe): they come
    out of the capture first.
    """
    pending = await uow.pending_refunds_cents(payment.payment_id)
    details = found.get("evidence_details") if isinstance(found.get("evidence_details"), dict) else {}
    dispute = DisputeRecord(
        dispute_id=new_id("dsp"),
        order_id=payment.order_id,
        payment_id=payment.payment_id,
        stripe_dispute=str(found.get("id", "")),
        reason=str(found.get("reason") or "general"),
        status="needs_response",
        amount_cents=max(0, min(int(found.get("amount") or 0), payment.refundable_cents - pending)),
        currency=payment.currency,
        due_by=_when((details or {}).get("due_by")),
        evidence={},
        stripe_updated=event.created,
        created_at=_when(found.get("created")) or event.created,
        updated_at=uow.now,
    )
    await uow.save_dispute(dispute)
    payment.dispute_opened(facts(dispute), amount_cents=dispute.amount_cents, fee_cents=fee_cents, now=uow.now)
    await freeze(uow, payment, key=_freeze_key(dispute.dispute_id), reason="chargeback", actor="")
    return dispute


async def apply_dispute_event(uow: PaymentsUnitOfWork, event: StripeEvent, *, fee_cents: int) -> str | None:
    """Applies a ``charge.dispute.*`` event; returns the order to recover a lost chargeback's debt for."""
    found = event.object
    payment = await uow.payment_by_intent(str(found.get("payment_intent") or ""), lock=True)
    if payment is None:
        return None  # a charge that is not an order's booking: recorded, not acted on
    status = str(found.get("status", ""))
    if status not in STATUSES:
        return None
    dispute = await uow.dispute_by_stripe(str(found.get("id", "")), lock=True)
    if dispute is None:
        dispute = await _opened(uow, payment, found, event, fee_cents)
    if dispute.status in DECIDED or (event.created < dispute.stripe_updated and status not in DECIDED):
        return None  # decided for good, or an older picture than the one applied
    before = dispute.status
    dispute.status = (
        status.removeprefix("warning_") if status.startswith("warning_") and status != "warning_closed" else status
    )
    dispute.stripe_updated, dispute.updated_at = max(dispute.stripe_updated, event.created), uow.now
    await uow.save_dispute(dispute)
    if dispute.status == before:
        return None
    amount = dispute.amount_cents
    if dispute.status == "won" or dispute.status == "warning_closed":
        if dispute.status == "won":
            payment.dispute_won(facts(dispute), amount_cents=amount, now=uow.now)
        await release(uow, payment, key=_freeze_key(dispute.dispute_id), actor="")
        return None
    if dispute.status == "lost":
        if amount:
            payment.dispute_lost(facts(dispute), amount_cents=amount, now=uow.now)
        await release(uow, payment, key=_freeze_key(dispute.dispute_id), actor="")
        return payment.order_id if payment.paid_out_cents else None
    payment.dispute_updated(facts(dispute), amount_cents=amount, now=uow.now)
    return None


async def after_dispute_event(deps: PaymentsDeps, order_id: str | None) -> None:
    """What a dispute event leaves to do outside its transaction: recover a lost chargeback's debt."""
    if order_id is not None:
        await recover_from_provider(deps, order_id, cause="dispute")


@dataclass(frozen=True)
class SubmitDisputeEvidence(Command):
    """Support stages or submits evidence on a chargeback."""

    request_id: str
    dispute_id: str
    evidence: dict[str, str]
    submit: bool


async def submit_dispute_evidence(deps: PaymentsDeps, command: SubmitDisputeEvidence) -> DisputeRecord:
    """Stages evidence, or submits it once; DISPUTE_EVIDENCE_SUBMITTED for a second submission."""
    if command.caller.service != SUPPORT_SERVICE:
        raise permission_denied("only support submits dispute evidence")
    check_key(command.request_id)
    violations = Violations()
    check_text(violations, "dispute_id", command.dispute_id, max_length=MAX_ID, required=True)
    for name, text in sorted(command.evidence.items()):
        if name not in EVIDENCE_FIELDS:
            violations.add(f"evidence.{name}", "is not one of Stripe's evidence fields")
        else:
            check_text(violations, f"evidence.{name}", text, max_length=MAX_EVIDENCE_TEXT, multiline=True)
    violations.check(bool(command.evidence) or command.submit, "evidence", "stage some evidence, or submit")
    violations.raise_if_any()
    key = f"{command.caller.service}:{command.request_id}"

    async with deps.uow() as uow:
        dispute = await uow.dispute(command.dispute_id, lock=True)
        if dispute is None:
            raise not_found("dispute")
        repeat = dispute.submit_key == key
        if not repeat:
            if dispute.status in DECIDED:
                raise PaymentsReason.DISPUTE_CLOSED.error(f"the dispute was decided: {dispute.status}")
            if dispute.evidence_submitted_at is not None:
                raise PaymentsReason.DISPUTE_EVIDENCE_SUBMITTED.error("the evidence was already submitted")
            dispute.evidence = {**dispute.evidence, **command.evidence}
            if command.submit:
                dispute.evidence_submitted_at, dispute.submit_key = uow.now, key
            dispute.updated_at = uow.now
            await uow.save_dispute(dispute)
            await uow.commit()
    if repeat and dispute.status != "needs_response":
        return dispute
    await deps.provider.update_dispute(
        dispute_id=dispute.stripe_dispute,
        evidence=dict(dispute.evidence if command.submit else command.evidence),
        submit=command.submit,
        idempotency_key=f"evidence:{dispute.dispute_id}:{key}",
    )
    if not command.submit:
        return dispute
    async with deps.uow() as uow:
        current = await uow.dispute(command.dispute_id, lock=True)
        assert current is not None
        if current.status == "needs_response":
            payment = await payment_to_move(uow, current.order_id)
            current.status, current.updated_at = "under_review", uow.now
            await uow.save_dispute(current)
            payment.dispute_updated(facts(current), amount_cents=current.amount_cents, now=uow.now)
            await uow.commit()
        return replace(current)
