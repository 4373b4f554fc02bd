"""The payments use cases on an in-memory unit of work and the test-mode card simulator.

Money is exact: whatever sequence of authorizations, captures, voids and cancellations arrives,
with repeats, nothing is captured beyond the hold, nothing refunded beyond the capture, and the
card processor is charged once per cause.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from memory import NOW, MemoryPaymentsUnitOfWork, World

from callsheet_kit.errors import DomainError, ErrorCode
from callsheet_kit.identity import Caller
from services.payments.adapters.provider import OutsideTransactions, SimulatedStripe
from services.payments.adapters.tables import QuoteRow
from services.payments.config import PaymentsSettings
from services.payments.domain.ledger import (
    PLATFORM_CASH,
    PLATFORM_FEE_REVENUE,
    TAX_PAYABLE,
    Balance,
    balances,
    provider_payable,
)
from services.payments.domain.payment import (
    CheckoutInitiated,
    Payment,
    PaymentAuthorized,
    PaymentCaptured,
    PaymentRefunded,
    PaymentStatus,
    RefundStatus,
)
from services.payments.domain.policy import STANDARD_POLICY, Canceller
from services.payments.domain.pricing import price_booking
from services.payments.usecases.authorize_payment import AuthorizePayment, authorize_payment
from services.payments.usecases.capture_payment import CapturePayment, capture_payment
from services.payments.usecases.card_processor import IntentResult, RefundResult
from services.payments.usecases.ports import PaymentsDeps
from services.payments.usecases.settle_cancellation import SettleCancellation, settle_cancellation
from services.payments.usecases.void_authorization import VoidAuthorization, void_authorization

ORDERS = Caller(user_id="u_b", service="orders")
START = NOW + timedelta(days=10)


class CountingStripe(SimulatedStripe):
    """The simulator (its state in memory), counting the calls that reach it."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []
        self.customers: list[object] = []

    async def authorize(self, **kwargs: object) -> IntentResult:  # type: ignore[override]
        self.calls.append("authorize")
        self.customers.append(kwargs.get("customer_id"))
        return await super().authorize(**kwargs)  # type: ignore[arg-type]

    async def capture(self, **kwargs: object) -> IntentResult:  # type: ignore[override]
        self.calls.append("capture")
        return await super().capture(**kwargs)  # type: ignore[arg-type]

    async def refund(self, **kwargs: object) -> RefundResult:  # type: ignore[override]
        self.calls.append("refund")
        return await super().refund(**kwargs)  # type: ignore[arg-type]


class NoOrders:
    async def slot_free(self, provider_id: str, start: datetime, end: datetime) -> bool:
        return True


def setup(quote_id: str = "qte_1") -> tuple[World, PaymentsDeps, CountingStripe]:
    world = World()
    stripe = CountingStripe()
    deps = PaymentsDeps(
        uow=lambda: MemoryPaymentsUnitOfWork(world),
        provider=OutsideTransactions(stripe),
        orders=NoOrders(),
        settings=PaymentsSettings.model_construct(platform_fee_bps=1000, tax_rates_bps={}, quote_ttl_seconds=1800),
    )
    add_quote(world, quote_id)
    return world, deps, stripe


def add_quote(world: World, quote_id: str) -> QuoteRow:
    price = price_booking(
        hourly_rate_cents=15_000,
        currency="USD",
        duration_minutes=120,
        platform_fee_bps=1000,
        jurisdiction="",
        tax_bps=0,
    )
    from dataclasses import asdict

    quote = QuoteRow(
        quote_id=quote_id,
        buyer_id="u_b",
        provider_id="u_p",
        role_code="photographer",
        start_utc=START,
        end_utc=START + timedelta(hours=2),
        timezone="UTC",
        location={},
        currency="USD",
        subtotal_cents=price.subtotal_cents,
        platform_fee_cents=price.platform_fee_cents,
        tax_cents=0,
        deposit_cents=0,
        total_cents=price.total_cents,
        price_snapshot=asdict(price),
        policy_snapshot=asdict(STANDARD_POLICY),
        expires_at=NOW + timedelta(minutes=30),
        created_at=NOW,
    )
    world.quotes[quote_id] = quote
    return quote


def authorize(deps: PaymentsDeps, order_id: str = "ord_1", method: str = "pm_card_visa", quote_id: str = "qte_1"):  # type: ignore[no-untyped-def]
    return authorize_payment(
        deps, AuthorizePayment(caller=ORDERS, quote_id=quote_id, order_id=order_id, payment_method_id=method)
    )


@pytest.mark.asyncio
async def test_an_authorization_is_made_once_per_order_however_often_it_is_asked() -> None:
    world, deps, stripe = setup()
    first = await authorize(deps)
    again = await authorize(deps)
    assert first is again and first.status is PaymentStatus.AUTHORIZED
    assert first.authorized_cents == 33_000
    assert stripe.calls == ["authorize"]
    assert [type(e) for e in world.published] == [CheckoutInitiated, PaymentAuthorized]
    # The buyer's first checkout made their Stripe customer, and the card was saved to it.
    assert list(world.customers) == ["u_b"] and stripe.customers == [world.customers["u_b"]]


@pytest.mark.asyncio
async def test_a_buyer_has_one_stripe_customer_for_every_checkout() -> None:
    world, deps, stripe = setup()
    add_quote(world, "qte_2")
    await authorize(deps)
    await authorize(deps, order_id="ord_2", quote_id="qte_2")
    assert len(set(stripe.customers)) == 1 and str(stripe.customers[0]).startswith("cus_")


@pytest.mark.asyncio
async def test_a_declined_card_fails_and_leaves_the_quote_free_for_another_card() -> None:
    world, deps, _ = setup()
    with pytest.raises(DomainError) as declined:
        await authorize(deps, "ord_1", "pm_card_chargeDeclined")
    assert declined.value.reason == "PAYMENT_DECLINED"
    assert world.payments["ord_1"].status is PaymentStatus.FAILED
    # Checkout was initiated; no money moved.
    assert [type(e) for e in world.published] == [CheckoutInitiated]
    assert (await authorize(deps, "ord_2")).status is PaymentStatus.AUTHORIZED


@pytest.mark.asyncio
async def test_a_used_or_expired_quote_is_refused() -> None:
    world, deps, _ = setup()
    await authorize(deps, "ord_1")
    with pytest.raises(DomainError) as used:
        await authorize(deps, "ord_2")
    assert used.value.reason == "QUOTE_USED"
    add_quote(world, "qte_2")
    world.advance(minutes=31)
    with pytest.raises(DomainError) as expired:
        await authorize(deps, "ord_3", quote_id="qte_2")
    assert expired.value.reason == "QUOTE_EXPIRED"


@pytest.mark.asyncio
async def test_only_orders_moves_money() -> None:
    _, deps, _ = setup()
    with pytest.raises(DomainError) as denied:
        await authorize_payment(
            deps,
            AuthorizePayment(caller=Caller(user_id="u_b"), quote_id="qte_1", order_id="o", payment_method_id="pm"),
        )
    assert denied.value.code is ErrorCode.PERMISSION_DENIED


@pytest.mark.asyncio
async def test_concurrent_captures_take_the_money_once_and_issue_one_receipt() -> None:
    world, deps, stripe = setup()
    await authorize(deps)
    results = await asyncio.gather(
        *(capture_payment(deps, CapturePayment(caller=ORDERS, order_id="ord_1")) for _ in range(5))
    )
    assert {r.status for r in results} == {PaymentStatus.CAPTURED}
    assert world.payments["ord_1"].captured_cents == 33_000
    assert [type(e) for e in world.published].count(PaymentCaptured) == 1
    assert [receipt.kind for _, receipt in world.receipts] == ["booking"]
    assert stripe.calls.count("capture") >= 1


@pytest.mark.asyncio
async def test_a_buyer_cancelling_two_days_ahead_gets_half_back_once() -> None:
    world, deps, stripe = setup()
    await authorize(deps)
    await capture_payment(deps, CapturePayment(caller=ORDERS, order_id="ord_1"))
    cancelled_at = START - timedelta(hours=48)
    command = SettleCancellation(
        caller=ORDERS, order_id="ord_1", cancelled_by=Canceller.BUYER, start=START, cancelled_at=cancelled_at
    )
    world.advance(days=5)  # a late settlement still uses the tier in force when the order was cancelled
    payment, refunded = await settle_cancellation(deps, command)
    assert refunded == 16_500 and payment.refunded_cents == 16_500
    assert payment.status is PaymentStatus.PARTIALLY_REFUNDED
    _, again = await settle_cancellation(deps, command)
    assert again == 16_500
    assert stripe.calls.count("refund") == 1
    assert [type(e) for e in world.published].count(PaymentRefunded) == 1


@pytest.mark.asyncio
async def test_a_void_releases_a_hold_and_a_half_made_one() -> None:
    world, deps, stripe = setup()
    await authorize(deps)
    voided = await void_authorization(deps, VoidAuthorization(caller=ORDERS, order_id="ord_1"))
    assert voided is not None and voided.status is PaymentStatus.VOIDED
    assert await void_authorization(deps, VoidAuthorization(caller=ORDERS, order_id="ord_unknown")) is None

    # The processor made a hold but its answer never came back: the void finds it and releases it.
    for order_id, quote_id, reached in (("ord_2", "qte_2", True), ("ord_3", "qte_3", False)):
        quote = add_quote(world, quote_id)
        world.payments[order_id] = Payment(
            payment_id=f"pay_{order_id}",
            order_id=order_id,
            quote_id=quote_id,
            buyer_id="u_b",
            provider_id="u_p",
            currency="USD",
            amount_cents=quote.total_cents,
            payment_method_id="pm_card_visa",
            actor="",
            now=NOW,
        )
        if reached:
            await stripe.authorize(
                amount_cents=quote.total_cents,
                currency="USD",
                payment_method_id="pm_card_visa",
                idempotency_key=f"authorize:{order_id}",
                metadata={"order_id": order_id},
            )
    released = await void_authorization(deps, VoidAuthorization(caller=ORDERS, order_id="ord_2"))
    assert released is not None and released.status is PaymentStatus.VOIDED
    found = await stripe.find_intent(order_id="ord_2")
    assert found is not None and found.intent_id == released.provider_intent_id and found.status == "canceled"
    never_made = await void_authorization(deps, VoidAuthorization(caller=ORDERS, order_id="ord_3"))
    assert never_made is not None and never_made.status is PaymentStatus.FAILED


Operation = st.one_of(
    st.just(("capture",)),
    st.just(("void",)),
    st.tuples(st.just("cancel"), st.sampled_from(list(Canceller)), st.integers(min_value=0, max_value=100)),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(Operation, max_size=8))
def test_any_sequence_of_money_operations_keeps_the_payment_within_its_bounds(
    operations: list[tuple[object, ...]],
) -> None:
    async def run() -> None:
        world, deps, _ = setup()
        await authorize(deps)
        for operation in operations:
            try:
                if operation[0] == "capture":
                    await capture_payment(deps, CapturePayment(caller=ORDERS, order_id="ord_1"))
                elif operation[0] == "void":
                    await void_authorization(deps, VoidAuthorization(caller=ORDERS, order_id="ord_1"))
                else:
                    _, canceller, hours = operation
                    assert isinstance(canceller, Canceller) and isinstance(hours, int)
                    await settle_cancellation(
                        deps,
                        SettleCancellation(
                            caller=ORDERS,
                            order_id="ord_1",
                            cancelled_by=canceller,
                            start=START,
                            cancelled_at=START - timedelta(hours=hours),
                        ),
                    )
            except DomainError as refused:
                assert refused.code is ErrorCode.FAILED_PRECONDITION
        payment = world.payments["ord_1"]
        assert 0 <= payment.refunded_cents <= payment.captured_cents <= payment.authorized_cents
        succeeded = [r.amount_cents for r in world.refunds.values() if r.status is RefundStatus.SUCCEEDED]
        assert sum(succeeded) == payment.refunded_cents
        assert len(world.refunds) <= 1  # an order's cancellation is refunded once, whatever is repeated
        # The ledger says the same, balanced entry by entry.
        assert all(sum(p.amount_cents for p in entry.postings) == 0 for entry in world.ledger)
        book = balances(world.ledger)
        cash = book.get(PLATFORM_CASH, Balance())
        assert cash.posted_cents == payment.captured_cents - payment.refunded_cents
        held = payment.authorized_cents if payment.status is PaymentStatus.AUTHORIZED else 0
        assert cash.pending_cents == held
        for account in (provider_payable(payment.provider_id), PLATFORM_FEE_REVENUE, TAX_PAYABLE):
            assert book.get(account, Balance()).posted_cents <= 0  # never gave back more than it got

    asyncio.run(run())
