"""Stripe's webhook deliveries: verified, recorded once by event id, applied where payments acts on them.

Deliveries can repeat (Stripe retries until it gets a 2xx) and arrive out of order, so an event is
kept once by its id, and its effect checks the state it acts on rather than trusting the order:
a late or repeated delivery changes nothing. Events of other types are recorded (an operator can
see what arrived) and ignored.

Acted on now:
- ``payment_intent.canceled``, a hold Stripe released on its own (an authorization left
  uncaptured expires after seven days, or someone cancelled it in the Dashboard): an order's
  AUTHORIZED payment becomes VOIDED, which posts the void to the ledger and lands on the timeline.
- ``account.updated``, a provider's Connect account changed: its onboarding status (pending,
  restricted, active) and what Stripe still needs are taken from the account it carries. The
  event is a snapshot of the whole account, so an older one arriving late is refused by its time.
- ``charge.dispute.created``, ``charge.dispute.updated``, ``charge.dispute.closed``: chargebacks
  (``services.payments.usecases.disputes``).
- ``payout.paid``, ``payout.failed`` of a provider's connected account: its payout to their bank.
  Stripe's payout names what it carried by the transfers' payments on the account, which payments
  asks the card processor for before the event's transaction; the provider's payouts among them
  become PAID (or FAILED: a paid one can still come back from the bank).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial

from callsheet_kit.errors import permission_denied
from services.payments.domain.onboarding import status_of
from services.payments.domain.payment import PaymentStatus
from services.payments.usecases.disputes import after_dispute_event, apply_dispute_event
from services.payments.usecases.ports import Command, PaymentsDeps, PaymentsUnitOfWork, StripeEvent

GATEWAY_SERVICE = "gateway"


@dataclass(frozen=True)
class ReceiveStripeEvent(Command):
    """A delivery, as the gateway received it."""

    payload: bytes
    signature: str


@dataclass(frozen=True)
class Received:
    """What became of a delivery."""

    event_id: str
    type: str
    duplicate: bool
    handled: bool


async def _hold_released(uow: PaymentsUnitOfWork, event: StripeEvent) -> str | None:
    payment = await uow.payment_by_intent(str(event.object.get("id", "")), lock=True)
    if payment is not None and payment.status is PaymentStatus.AUTHORIZED:
        payment.voided(actor="", now=uow.now)
    return None


async def _account_updated(uow: PaymentsUnitOfWork, event: StripeEvent) -> str | None:
    account = await uow.provider_account_by_stripe(str(event.object.get("id", "")))
    if account is None or account.updated_at > event.created:
        return None  # not one of ours, or a snapshot older than what we hold
    status, due = status_of(event.object)
    account.status, account.requirements, account.updated_at = status.value, {"due": due}, event.created
    return None


# Each applies an event in the delivery's transaction and names the order whose provider owes
# money back because of it (recovered after the commit), if any.
Handler = Callable[[PaymentsUnitOfWork, StripeEvent], Awaitable[str | None]]
DISPUTE_EVENTS = ("charge.dispute.created", "charge.dispute.updated", "charge.dispute.closed")


BANK_PAYOUT_EVENTS = ("payout.paid", "payout.failed")


def _bank_payout(carried: list[str]) -> Handler:
    async def apply(uow: PaymentsUnitOfWork, event: StripeEvent) -> str | None:
        paid = event.type == "payout.paid"
        for payout in await uow.payouts_carried(carried):
            if payout.status not in (("in_transit",) if paid else ("in_transit", "paid")):
                continue
            payment = await uow.payment_of(payout.order_id, lock=True)
            assert payment is not None
            payout.status, payout.updated_at = ("paid" if paid else "failed"), uow.now
            await uow.save_payout(payout)
            payment.bank_payout(payout_id=payout.payout_id, amount_cents=payout.amount_cents, paid=paid, now=uow.now)
        return None

    return apply


async def _carried(deps: PaymentsDeps, event: StripeEvent) -> list[str]:
    """What a connected account's bank payout carried, asked of the card processor (outside any transaction)."""
    account = str(event.payload.get("account") or "")
    if not account:
        return []
    return await deps.provider.payout_payments(account=account, payout_id=str(event.object.get("id", "")))


def handlers(deps: PaymentsDeps) -> dict[str, Handler]:
    """The event types payments acts on, and how."""
    disputes = partial(apply_dispute_event, fee_cents=deps.settings.dispute_fee_cents)
    return {
        "payment_intent.canceled": _hold_released,
        "account.updated": _account_updated,
        **dict.fromkeys(DISPUTE_EVENTS, disputes),
    }


async def receive_stripe_event(deps: PaymentsDeps, command: ReceiveStripeEvent) -> Received:
    """Verifies, records once and applies a delivery; INVALID_ARGUMENT (nothing changes) on a bad signature."""
    if command.caller.service != GATEWAY_SERVICE:
        raise permission_denied("only the gateway delivers Stripe's webhooks")
    if deps.webhooks is None:
        raise permission_denied("this payments service takes no webhooks")
    event = deps.webhooks.verify(command.payload, command.signature)
    handler = handlers(deps).get(event.type)
    if event.type in BANK_PAYOUT_EVENTS:
        handler = _bank_payout(await _carried(deps, event))
    owing = None
    async with deps.uow() as uow:
        first = await uow.record_stripe_event(event, handled=handler is not None)
        if first and handler is not None:
            owing = await handler(uow, event)
        await uow.commit()
    await after_dispute_event(deps, owing)
    return Received(event.event_id, event.type, duplicate=not first, handled=handler is not None)
