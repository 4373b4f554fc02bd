"""Payouts: scheduled by the final settlement, released on their day, taken back when money goes back.

``schedule_payout`` is the final settlement of a completed order: it records the payout (once
per order) due ``payout_delay_days`` of the policy snapshot after completion, then charges the
approved expenses (``settle_expenses``) so they are owed to the provider with the rest.

``release_due_payouts`` runs on the clock (every replica; rows are leased with ``SKIP LOCKED``):
a payout whose day has come, of an order not frozen and a provider whose account is active, is
transferred for what the order owes its provider then. The amount is fixed in one transaction,
the transfer made outside any, under the payout's own idempotency key, and recorded in a third;
a crash between them retries the same transfer, which Stripe answers once. A transfer refused
waits and is retried; a provider account not active holds the payout until it is. Once
transferred the payout is IN_TRANSIT, on the provider's Stripe balance; the account's payout to
their bank (Stripe's ``payout.paid`` or ``payout.failed`` of that account) makes it PAID, or FAILED.

``recover_from_provider``: a refund or a lost chargeback after the payout leaves the provider
owing their share back (their receivable account); a transfer reversal takes it back from the
transfer, keyed by how much was reversed before, so two recoveries at once reverse once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from callsheet_kit.errors import Violations, invalid_field, permission_denied
from callsheet_kit.idempotency import check_key
from callsheet_kit.ids import new_id
from callsheet_kit.validation import MAX_ID, check_text
from services.payments.domain.errors import PaymentsReason
from services.payments.domain.ledger import owed_by_provider, owed_to_provider
from services.payments.domain.onboarding import AccountStatus
from services.payments.usecases.access import payment_to_move
from services.payments.usecases.charges import settle_expenses
from services.payments.usecases.ports import ChargeRecord, Command, PaymentsDeps, PayoutRecord

log = logging.getLogger(__name__)

SETTLING_SERVICES = frozenset({"cards", "orders"})
# How long a refused transfer waits before it is tried again, and a held payout before it is looked at again.
RETRY_AFTER = timedelta(minutes=5)
BATCH = 20


@dataclass(frozen=True)
class SchedulePayout(Command):
    """The final settlement of a completed order."""

    request_id: str
    order_id: str
    completed_at: datetime | None


@dataclass(frozen=True)
class Scheduled:
    """The payout and the expenses the settlement charged."""

    payout: PayoutRecord
    expenses: list[ChargeRecord]


async def schedule_payout(deps: PaymentsDeps, command: SchedulePayout) -> Scheduled:
    """Schedules the order's payout once and settles its expenses."""
    if command.caller.service not in SETTLING_SERVICES:
        raise permission_denied("only the cards engine and orders settle an order")
    check_key(command.request_id)
    violations = Violations()
    check_text(violations, "order_id", command.order_id, max_length=MAX_ID, required=True)
    violations.check(command.completed_at is not None, "completed_at", "is required")
    violations.raise_if_any()
    assert command.completed_at is not None

    async with deps.uow() as uow:
        payment = await payment_to_move(uow, command.order_id)
        if not payment.is_captured:
            raise PaymentsReason.PAYMENT_NOT_CAPTURED.error(f"the payment is {payment.status.value}")
        payout = await uow.payout_of(command.order_id)
        if payout is None:
            if command.completed_at > uow.now + timedelta(minutes=5):
                raise invalid_field("completed_at", "must not be in the future")
            quote = await uow.quote(payment.quote_id)
            assert quote is not None
            delay = int(quote.policy_snapshot["payout_delay_days"])
            payout = PayoutRecord(
                payout_id=new_id("pot"),
                order_id=payment.order_id,
                provider_id=payment.provider_id,
                key=f"payout:{command.caller.service}:{command.request_id}",
                status="scheduled",
                currency=payment.currency,
                amount_cents=0,
                reversed_cents=0,
                due_at=command.completed_at + timedelta(days=delay),
                attempts=0,
                created_at=uow.now,
                updated_at=uow.now,
            )
            await uow.save_payout(payout)
            owed = owed_to_provider(await uow.order_balances(payment.order_id), payment.provider_id)
            expenses = sum(
                c.total_cents
                for c in await uow.charges_of(payment.order_id)
                if c.kind == "expense" and c.status == "pending"
            )
            payment.payout_scheduled(
                payout_id=payout.payout_id,
                due_at=payout.due_at,
                owed_cents=owed + expenses,
                actor=command.caller.user_id,
                now=uow.now,
            )
            await uow.commit()
    expenses_charged = await settle_expenses(deps, command.order_id, settlement_key=f"settlement:{command.order_id}")
    return Scheduled(payout, expenses_charged)


async def release_due_payouts(deps: PaymentsDeps) -> int:
    """Transfers the payouts whose day has come; returns how many were paid."""
    async with deps.uow() as uow:
        due = await uow.due_payouts(uow.now, limit=BATCH)
        ready: list[tuple[PayoutRecord, str]] = []
        for payout in due:
            payment = await payment_to_move(uow, payout.order_id)
            account = await uow.provider_account(payout.provider_id)
            if payment.reserve_frozen:
                continue  # held while a dispute is open; looked at again once it is released
            if payout.stripe_transfer is None and payout.amount_cents == 0:
                owed = owed_to_provider(await uow.order_balances(payout.order_id), payout.provider_id)
                if owed == 0:
                    payout.status, payout.updated_at = "canceled", uow.now
                    await uow.save_payout(payout)
                    continue
                payout.amount_cents = owed
            if account is None or account.status != AccountStatus.ACTIVE.value:
                payout.last_error = "the provider's payout account is not active"
                payout.due_at, payout.updated_at = uow.now + RETRY_AFTER, uow.now
                await uow.save_payout(payout)
                continue
            payout.attempts, payout.updated_at = payout.attempts + 1, uow.now
            await uow.save_payout(payout)
            ready.append((payout, account.stripe_acct))
        await uow.commit()

    paid = 0
    for payout, destination in ready:
        try:
            transfer = await deps.provider.transfer(
                amount_cents=payout.amount_cents,
                currency=payout.currency,
                destination=destination,
                transfer_group=payout.order_id,
                idempotency_key=f"payout:{payout.payout_id}",
            )
        except Exception as error:  # refused or unreachable: the same transfer is tried again later
            log.warning("payout %s not transferred: %s", payout.payout_id, error)
            async with deps.uow() as uow:
                held = await uow.payout_of(payout.order_id, lock=True)
                assert held is not None
                if held.stripe_transfer is None:
                    held.last_error = f"{type(error).__name__}: {error}"
                    held.due_at, held.updated_at = uow.now + RETRY_AFTER, uow.now
                    await uow.save_payout(held)
                    await uow.commit()
            continue
        async with deps.uow() as uow:
            payment = await payment_to_move(uow, payout.order_id)
            current = await uow.payout_of(payout.order_id, lock=True)
            assert current is not None
            if current.stripe_transfer is None:
                current.status, current.stripe_transfer, current.last_error = "in_transit", transfer.transfer_id, None
                current.destination_payment, current.updated_at = transfer.destination_payment or None, uow.now
                await uow.save_payout(current)
                payment.paid_out(
                    payout_id=current.payout_id,
                    transfer_id=transfer.transfer_id,
                    amount_cents=current.amount_cents,
                    now=uow.now,
                )
                await uow.commit()
                paid += 1
        await recover_from_provider(deps, payout.order_id, cause=f"payout:{payout.payout_id}")
    return paid


async def recover_from_provider(deps: PaymentsDeps, order_id: str, *, cause: str) -> int:
    """Reverses what the provider owes back of the order from their transfer; returns what came back."""
    async with deps.uow() as uow:
        payment = await payment_to_move(uow, order_id)
        payout = await uow.payout_of(order_id)
        if payout is None or payout.stripe_transfer is None:
            return 0
        debt = owed_by_provider(await uow.order_balances(order_id), payment.provider_id)
        amount = min(debt, payout.amount_cents - payout.reversed_cents)
        reversed_before = payout.reversed_cents
    if amount <= 0:
        return 0
    try:
        result = await deps.provider.reverse_transfer(
            transfer_id=payout.stripe_transfer,
            amount_cents=amount,
            idempotency_key=f"reversal:{payout.payout_id}:{reversed_before}",
        )
    except Exception as error:  # the money already moved; the debt stays recorded for the next recovery
        log.warning("reversal of payout %s for %s failed; the debt stays recorded: %s", payout.payout_id, cause, error)
        return 0
    async with deps.uow() as uow:
        payment = await payment_to_move(uow, order_id)
        current = await uow.payout_of(order_id, lock=True)
        assert current is not None
        back = result.reversed_cents - current.reversed_cents
        if back > 0:
            current.reversed_cents, current.updated_at = result.reversed_cents, uow.now
            await uow.save_payout(current)
            payment.transfer_reversed(
                payout_id=current.payout_id,
                cause=cause,
                key=f"{current.payout_id}:{reversed_before}",
                amount_cents=back,
                now=uow.now,
            )
            await uow.commit()
        return max(0, back)
