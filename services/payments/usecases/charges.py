"""Money beyond the booking: extras charged when the buyer accepts them, expenses with the final settlement.

Both are charged off-session to the payment method the buyer checked out with, in the order's
``transfer_group``. Each follows the refunds' shape (``services.payments.usecases.refunds``):
1. In one transaction, with the payment locked: the charge is recorded PENDING under the
   caller's key (unique), so a repeated decision finds it and charges nothing twice.
2. The card processor is asked outside any transaction, under the charge's own idempotency key.
3. In one transaction: the charge SUCCEEDED (or FAILED with the decline), the payment records it
   (its event posts the ledger entry and reaches the timeline) and a receipt is issued.

Extras are priced as the booking was quoted: the platform fee and the tax at the quote's rates.
An expense is the provider's cost passed on, so all of it is owed to the provider: no fee, no
tax. Expenses wait for the final settlement (``settle_expenses``, run by ``SchedulePayout``) and
are charged together, as one charge with one receipt; one approved after the settlement is
charged at once, and one after the payout was released is refused (PAYOUT_RELEASED).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from callsheet_kit.errors import Violations, idempotency_mismatch, permission_denied
from callsheet_kit.idempotency import check_key
from callsheet_kit.ids import new_id
from callsheet_kit.validation import MAX_ID, check_range, check_text
from services.payments.domain.errors import PaymentsReason
from services.payments.domain.ledger import Split
from services.payments.domain.money import share
from services.payments.domain.payment import Payment, PaymentStatus
from services.payments.usecases.access import payment_to_move
from services.payments.usecases.card_processor import CardDeclined, UnknownPaymentMethod
from services.payments.usecases.ports import ChargeRecord, Command, PaymentsDeps, PaymentsUnitOfWork

CARDS_SERVICE = "cards"
MAX_ITEMS = 50
MAX_ITEM_CENTS = 10_000_000
MAX_QUANTITY = 1000
MAX_DESCRIPTION = 200


@dataclass(frozen=True)
class ExtraItem:
    """One accepted extra."""

    description: str
    quantity: int
    unit_amount_cents: int
    currency: str


@dataclass(frozen=True)
class ExpenseItem:
    """One approved expense."""

    category: str
    description: str
    amount_cents: int
    currency: str
    receipt_media_id: str = ""


@dataclass(frozen=True)
class ChargeExtras(Command):
    """The cards engine charges accepted extras."""

    request_id: str
    order_id: str
    items: Sequence[ExtraItem]


@dataclass(frozen=True)
class AddExpense(Command):
    """The cards engine adds an approved expense to the final settlement."""

    request_id: str
    order_id: str
    items: Sequence[ExpenseItem]


@dataclass(frozen=True)
class Charged:
    """A charge and the payment after it."""

    charge: ChargeRecord
    payment: Payment


def _checked(command: ChargeExtras | AddExpense) -> Violations:
    """Who asks, the key, the order and the number of items; the items' own fields are the caller's to add."""
    if command.caller.service != CARDS_SERVICE:
        raise permission_denied("only the cards engine charges extras and expenses")
    check_key(command.request_id)
    violations = Violations()
    check_text(violations, "order_id", command.order_id, max_length=MAX_ID, required=True)
    violations.check(1 <= len(command.items) <= MAX_ITEMS, "items", f"must hold 1 to {MAX_ITEMS} items")
    return violations


def _check_currency(violations: Violations, field: str, currency: str, expected: str) -> None:
    violations.check(currency.upper() == expected.upper(), field, f"must be {expected}, the order's currency")


async def _captured(uow: PaymentsUnitOfWork, order_id: str) -> Payment:
    payment = await payment_to_move(uow, order_id)
    if not payment.is_captured:
        raise PaymentsReason.PAYMENT_NOT_CAPTURED.error(f"the payment is {payment.status.value}")
    return payment


def _record(
    payment: Payment, *, key: str, kind: str, items: list[dict[str, Any]], split: Split, now: Any
) -> ChargeRecord:
    return ChargeRecord(
        charge_id=new_id("chg"),
        payment_id=payment.payment_id,
        order_id=payment.order_id,
        key=key,
        kind=kind,
        status="pending",
        items=items,
        currency=payment.currency,
        subtotal_cents=split.subtotal_cents,
        platform_fee_cents=split.platform_fee_cents,
        tax_cents=split.tax_cents,
        total_cents=split.total_cents,
        created_at=now,
        updated_at=now,
    )


def _declined(code: str) -> Exception:
    return PaymentsReason.PAYMENT_DECLINED.error("the card was declined", declineCode=code)


async def charge_extras(deps: PaymentsDeps, command: ChargeExtras) -> Charged:
    """Charges accepted extras once per caller and key; PAYMENT_DECLINED when the card refuses."""
    violations = _checked(command)
    for index, item in enumerate(command.items[:MAX_ITEMS]):
        at = f"items[{index}]"
        check_text(violations, f"{at}.description", item.description, max_length=MAX_DESCRIPTION, required=True)
        check_range(violations, f"{at}.quantity", item.quantity, low=1, high=MAX_QUANTITY)
        check_range(violations, f"{at}.unit_amount.amount_cents", item.unit_amount_cents, low=1, high=MAX_ITEM_CENTS)
    violations.raise_if_any()
    items = [
        {"description": i.description, "quantity": i.quantity, "unitAmountCents": i.unit_amount_cents}
        for i in command.items
    ]
    key = f"extras:{command.caller.service}:{command.request_id}"

    async with deps.uow() as uow:
        payment = await _captured(uow, command.order_id)
        charge = await uow.charge_by_key(key)
        if charge is None:
            if payment.status is PaymentStatus.REFUNDED:
                raise PaymentsReason.PAYMENT_NOT_CAPTURED.error("the booking was refunded in full")
            payout = await uow.payout_of(command.order_id)
            if payout is not None and payout.stripe_transfer is not None:
                raise PaymentsReason.PAYOUT_RELEASED.error("the provider's payout was already released")
            currencies = Violations()
            for index, item in enumerate(command.items):
                _check_currency(currencies, f"items[{index}].unit_amount.currency", item.currency, payment.currency)
            currencies.raise_if_any()
            quote = await uow.quote(payment.quote_id)
            assert quote is not None
            subtotal = sum(i.quantity * i.unit_amount_cents for i in command.items)
            fee = share(subtotal, int(quote.price_snapshot["platform_fee_bps"]))
            tax = share(subtotal + fee, int(quote.price_snapshot["tax_bps"]))
            charge = _record(payment, key=key, kind="extras", items=items, split=Split(subtotal, fee, tax), now=uow.now)
            await uow.save_charge(charge)
            await uow.commit()
        elif charge.items != items:
            raise idempotency_mismatch()
        customer = await uow.buyer_customer(payment.buyer_id) or ""
    if charge.status == "failed":
        raise _declined(charge.decline_code or "generic_decline")
    if charge.status == "succeeded":
        return Charged(charge, payment)
    charged = await _charge_card(deps, payment, [charge], customer, settlement_key=f"extras:{charge.charge_id}")
    if charged.charge.status == "failed":
        raise _declined(charged.charge.decline_code or "generic_decline")
    return charged


async def add_expense(deps: PaymentsDeps, command: AddExpense) -> ChargeRecord:
    """Records an approved expense once per caller and key, charged with the final settlement."""
    violations = _checked(command)
    for index, item in enumerate(command.items[:MAX_ITEMS]):
        at = f"items[{index}]"
        check_text(violations, f"{at}.category", item.category, max_length=60, required=True)
        check_text(violations, f"{at}.description", item.description, max_length=MAX_DESCRIPTION, required=True)
        check_range(violations, f"{at}.amount.amount_cents", item.amount_cents, low=1, high=MAX_ITEM_CENTS)
        check_text(violations, f"{at}.receipt_media_id", item.receipt_media_id, max_length=MAX_ID)
    violations.raise_if_any()
    items = [
        {
            "category": i.category,
            "description": i.description,
            "amountCents": i.amount_cents,
            "receiptMediaId": i.receipt_media_id,
        }
        for i in command.items
    ]
    key = f"expense:{command.caller.service}:{command.request_id}"

    async with deps.uow() as uow:
        payment = await _captured(uow, command.order_id)
        charge = await uow.charge_by_key(key)
        if charge is None:
            payout = await uow.payout_of(command.order_id)
            if payout is not None and payout.stripe_transfer is not None:
                raise PaymentsReason.PAYOUT_RELEASED.error("the provider's payout was already released")
            currencies = Violations()
            for index, item in enumerate(command.items):
                _check_currency(currencies, f"items[{index}].amount.currency", item.currency, payment.currency)
            currencies.raise_if_any()
            subtotal = sum(i.amount_cents for i in command.items)
            charge = _record(payment, key=key, kind="expense", items=items, split=Split(subtotal, 0, 0), now=uow.now)
            await uow.save_charge(charge)
            settled = payout is not None
            await uow.commit()
        elif charge.items != items:
            raise idempotency_mismatch()
        else:
            settled = await uow.payout_of(command.order_id) is not None
    if settled and charge.status == "pending":
        # The final settlement already ran: this expense is charged on its own, now.
        await settle_expenses(deps, command.order_id, settlement_key=f"expenses:{charge.charge_id}")
        async with deps.uow() as uow:
            found = await uow.charge_by_key(key)
            assert found is not None
            return found
    return charge


async def settle_expenses(deps: PaymentsDeps, order_id: str, *, settlement_key: str) -> list[ChargeRecord]:
    """Charges every approved expense not yet charged as one charge under ``settlement_key``.

    Each expense joins exactly one settlement (they are claimed with the payment locked), and a
    settlement repeated after a crash charges the same expenses under the same key: once.
    """
    async with deps.uow() as uow:
        payment = await payment_to_move(uow, order_id)
        claimed: list[ChargeRecord] = []
        for charge in await uow.charges_of(order_id):
            if charge.kind != "expense" or charge.status != "pending":
                continue
            if charge.settlement_key is None:
                charge.settlement_key, charge.updated_at = settlement_key, uow.now
                await uow.save_charge(charge)
            if charge.settlement_key == settlement_key:
                claimed.append(charge)
        customer = await uow.buyer_customer(payment.buyer_id) or ""
        await uow.commit()
    if not claimed:
        return []
    await _charge_card(deps, payment, claimed, customer, settlement_key=settlement_key)
    async with deps.uow() as uow:
        return [c for c in await uow.charges_of(order_id) if c.settlement_key == settlement_key]


async def _charge_card(
    deps: PaymentsDeps, payment: Payment, charges: list[ChargeRecord], customer: str, *, settlement_key: str
) -> Charged:
    """Charges the buyer for ``charges`` together, then records the answer; returns the first charge."""
    total = sum(charge.total_cents for charge in charges)
    ids = {charge.charge_id for charge in charges}
    try:
        intent = await deps.provider.charge(
            amount_cents=total,
            currency=payment.currency,
            payment_method_id=payment.payment_method_id or "",
            transfer_group=payment.order_id,
            idempotency_key=settlement_key,
            metadata={"order_id": payment.order_id, "charges": ",".join(sorted(ids))},
            customer_id=customer,
        )
        intent_id, decline = intent.intent_id, None
    except CardDeclined as declined:
        intent_id, decline = None, declined.decline_code
    except UnknownPaymentMethod:
        intent_id, decline = None, "payment_method_unavailable"

    async with deps.uow() as uow:
        charged = await payment_to_move(uow, payment.order_id)
        current = [c for c in await uow.charges_of(payment.order_id) if c.charge_id in ids]
        first = min(current, key=lambda c: (c.created_at, c.charge_id))
        if first.status == "pending":
            for charge in current:
                charge.status = "failed" if decline else "succeeded"
                charge.provider_intent_id, charge.decline_code, charge.updated_at = intent_id, decline, uow.now
                await uow.save_charge(charge)
            if decline is None:
                kind = "extras" if first.kind == "extras" else "expenses"
                split = Split(
                    sum(c.subtotal_cents for c in current),
                    sum(c.platform_fee_cents for c in current),
                    sum(c.tax_cents for c in current),
                )
                charged.charged(charge_id=first.charge_id, kind=kind, split=split, actor="", now=uow.now)
                await uow.issue_receipt(charged, kind=kind, total_cents=split.total_cents, now=uow.now, split=split)
            await uow.commit()
        return Charged(first, charged)
