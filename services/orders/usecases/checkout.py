"""Checkout: a quote becomes an AUTHORIZED order, as a saga with no cross-service transaction.

1. Read the quote from payments (no transaction open).
2. Start the checkout saga (one transaction): its key is the buyer's idempotency key, its
   subject the order id it will create; a repeat of the key finds the same saga.
3. Drive it: ``authorize`` asks payments to hold the total, keyed by the order id so a retry
   never authorizes twice; ``create_order`` makes the order (CREATED → AUTHORIZED) in one local
   transaction. If the order cannot be made before the quote expires, the saga compensates:
   ``void_authorization`` releases the hold. A refused authorization (a declined card) ends the
   saga with that error and nothing to undo.

The client gets the order when the saga completes, the saga's error when it failed, and
UNAVAILABLE while a step is still being retried; repeating the request with the same key
returns the outcome. A saga that finished (either way) answers for its key from then on.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from google.protobuf.json_format import MessageToDict
from google.protobuf.message import Message

from callsheet.orders.v1 import orders_pb2
from callsheet.payments.v1 import payments_pb2
from callsheet_kit import failpoints
from callsheet_kit.errors import DomainError, Violations, not_found, permission_denied, unavailable
from callsheet_kit.idempotency import check_key
from callsheet_kit.identity import Caller, acting_as
from callsheet_kit.ids import new_id
from callsheet_kit.proto import datetime_of
from callsheet_kit.saga import Complete, Finished, Next, Outcome, Saga, SagaFlow, SagaRunner, SagaStatus
from callsheet_kit.validation import MAX_ID, check_payment_method_id, check_text
from services.orders.domain.errors import OrdersReason
from services.orders.domain.order import Order
from services.orders.usecases.ports import Command, OrdersUnitOfWork, PaymentsPort

CHECKOUT = "checkout"
AUTHORIZE, CREATE_ORDER, VOID_AUTHORIZATION = "authorize", "create_order", "void_authorization"
# However soon the quote expires, a checkout gets this long to finish before it is undone.
MIN_WINDOW = timedelta(minutes=2)


@dataclass(frozen=True)
class Checkout(Command):
    """The buyer's checkout of a quote."""

    request_id: str
    quote_id: str
    payment_method_id: str


@dataclass(frozen=True)
class CheckoutDeps:
    """What checkout needs: units of work, payments and the saga runner."""

    uow: Callable[[], OrdersUnitOfWork]
    payments: PaymentsPort
    sagas: SagaRunner


async def checkout(deps: CheckoutDeps, command: Checkout) -> Message:
    """Turns a quote into an AUTHORIZED order, once per idempotency key."""
    caller = command.caller
    if not caller.user_id:
        raise permission_denied("a user must check out")
    check_key(command.request_id)
    violations = Violations()
    check_text(violations, "quote_id", command.quote_id, max_length=MAX_ID, required=True)
    check_payment_method_id(violations, "payment_method_id", command.payment_method_id)
    violations.raise_if_any()

    quote = await deps.payments.get_quote(command.quote_id)
    if quote.buyer_id != caller.user_id:
        raise not_found("quote")
    start, end, expires = datetime_of(quote.start_utc), datetime_of(quote.end_utc), datetime_of(quote.expires_at)
    assert start is not None and end is not None and expires is not None

    async with deps.uow() as uow:
        saga, created = await uow.start_saga(
            kind=CHECKOUT,
            key=f"{caller.user_id}:{command.request_id}",
            subject=new_id("ord"),
            step=AUTHORIZE,
            data=_order_details(quote, buyer_id=caller.user_id, payment_method_id=command.payment_method_id),
            deadline=max(expires, uow.now + MIN_WINDOW),
            request=orders_pb2.CheckoutRequest(quote_id=command.quote_id, payment_method_id=command.payment_method_id),
            drive_after_commit=False,
        )
        if created and not await uow.calendar.is_free(quote.provider_id, start, end):
            raise OrdersReason.SLOT_TAKEN.error("the provider is already booked for this slot")
        await uow.commit()

    saga = await deps.sagas.drive_started(saga)
    if saga.status is SagaStatus.COMPLETED:
        return saga.result()
    if saga.status is SagaStatus.FAILED:
        raise saga.failure()
    raise unavailable("the checkout is still being processed; repeat the request with the same idempotency key")


def _order_details(quote: payments_pb2.Quote, *, buyer_id: str, payment_method_id: str) -> dict[str, object]:
    return {
        "buyerId": buyer_id,
        "paymentMethodId": payment_method_id,
        "quoteId": quote.id,
        "providerId": quote.provider_id,
        "roleCode": quote.role_code,
        "startUtc": quote.start_utc.ToJsonString(),
        "endUtc": quote.end_utc.ToJsonString(),
        "timezone": quote.timezone,
        "location": json.loads(quote.location_json or "{}"),
        "priceSnapshot": price_snapshot(quote.price),
        "policySnapshot": MessageToDict(quote.policy, always_print_fields_with_no_presence=True),
    }


def price_snapshot(price: payments_pb2.PriceSnapshot) -> dict[str, object]:
    """The order's price snapshot: flat integer cents, as clients read it."""
    return {
        "currency": price.total.currency,
        "hourlyRateCents": price.hourly_rate.amount_cents,
        "durationMinutes": price.duration_minutes,
        "subtotalCents": price.subtotal.amount_cents,
        "platformFeeBps": price.platform_fee_bps,
        "platformFeeCents": price.platform_fee.amount_cents,
        "taxJurisdiction": price.tax_jurisdiction,
        "taxBps": price.tax_bps,
        "taxCents": price.tax.amount_cents,
        "depositCents": price.deposit.amount_cents,
        "totalCents": price.total.amount_cents,
    }


class CheckoutFlow(SagaFlow):
    """The steps of the checkout saga."""

    kind = CHECKOUT
    steps = (AUTHORIZE, CREATE_ORDER, VOID_AUTHORIZATION)

    def __init__(
        self, *, uow: Callable[[], OrdersUnitOfWork], payments: PaymentsPort, respond: Callable[[Order], Message]
    ) -> None:
        self._uow = uow
        self._payments = payments
        self._respond = respond

    async def run(self, saga: Saga) -> Outcome:
        """Runs the current step, as the buyer (payments checks the quote is theirs)."""
        with acting_as(Caller(user_id=saga.data["buyerId"])):
            if saga.step == AUTHORIZE:
                payment = await self._payments.authorize(
                    key=f"authorize:{saga.subject}",
                    quote_id=saga.data["quoteId"],
                    order_id=saga.subject,
                    payment_method_id=saga.data["paymentMethodId"],
                )
                return Next(CREATE_ORDER, {"paymentId": payment.id, "authorizedCents": payment.authorized.amount_cents})
            if saga.step == CREATE_ORDER:
                return Finished(await self._create_order(saga))
            if saga.step == VOID_AUTHORIZATION:
                await self._payments.void(key=f"void:{saga.subject}", order_id=saga.subject)
                return Complete()
        raise ValueError(f"checkout saga {saga.saga_id} is at an unknown step {saga.step!r}")

    def compensation(self, saga: Saga, error: DomainError | None) -> str | None:
        """Payments' refusal to authorize leaves nothing to undo; anything later voids the hold."""
        if saga.step == AUTHORIZE and error is not None:
            return None
        return VOID_AUTHORIZATION

    async def _create_order(self, saga: Saga) -> Saga:
        """Makes the AUTHORIZED order and ends the saga with it, in one transaction."""
        failpoints.hit("checkout.before_create_order")
        data = saga.data
        async with self._uow() as uow:
            order = await uow.orders.get(saga.subject)
            if order is None:
                start, end = _instant(data["startUtc"]), _instant(data["endUtc"])
                order = Order.open(
                    actor=data["buyerId"],
                    order_id=saga.subject,
                    quote_id=data["quoteId"],
                    buyer_id=data["buyerId"],
                    provider_id=data["providerId"],
                    role_code=data["roleCode"],
                    start_utc=start,
                    end_utc=end,
                    timezone=data["timezone"],
                    location=data["location"],
                    price_snapshot=data["priceSnapshot"],
                    policy_snapshot=data["policySnapshot"],
                    created_at=uow.now,
                )
                uow.orders.add(order)
                order.authorize(
                    payment_id=data["paymentId"],
                    authorized_cents=data["authorizedCents"],
                    actor=data["buyerId"],
                    now=uow.now,
                )
            finished = await uow.finish_saga(saga, response=self._respond(order))
            await uow.commit()
            return finished


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
