"""Pricing a booking for the calling buyer.

The slot is checked with orders before the transaction (no call is made inside one); a repeat of
an idempotency key is answered before that check, so it returns the first quote even once the
slot has been booked by it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from callsheet.payments.v1 import payments_pb2
from callsheet_kit.errors import Violations, invalid_field, permission_denied
from callsheet_kit.ids import new_id
from callsheet_kit.uow import caller_scope, execute, transactional
from callsheet_kit.validation import MAX_ID, Place, check_location, check_text
from services.payments.adapters.tables import QuoteRow
from services.payments.config import PaymentsSettings
from services.payments.domain.errors import PaymentsReason
from services.payments.domain.policy import STANDARD_POLICY
from services.payments.domain.pricing import price_booking, tax_jurisdiction, validate_slot
from services.payments.usecases.ports import Command, PaymentsDeps, PaymentsUnitOfWork

SCOPE = "create-quote"
MAX_ROLE = 64


@dataclass(frozen=True)
class CreateQuote(Command):
    """A buyer's request for a price."""

    provider_id: str
    role_code: str
    start: datetime | None
    end: datetime | None
    timezone: str
    location_json: str


@dataclass(frozen=True)
class PricedSlot:
    """A validated request: the slot's length, the location as an object, and the terms in force."""

    command: CreateQuote
    start: datetime
    end: datetime
    duration_minutes: int
    location: dict[str, Any]
    place: Place
    terms: PaymentsSettings


def validate(command: CreateQuote, *, now: datetime, terms: PaymentsSettings) -> PricedSlot:
    """Checks every field at once; INVALID_ARGUMENT names each bad one."""
    buyer_id = command.caller.user_id
    if not buyer_id:
        raise permission_denied("a user must ask for a quote")
    violations = Violations()
    check_text(violations, "provider_id", command.provider_id, max_length=MAX_ID, required=True)
    check_text(violations, "role_code", command.role_code, max_length=MAX_ROLE, required=True)
    violations.check(command.provider_id != buyer_id, "provider_id", "you cannot book yourself")
    check_text(violations, "timezone", command.timezone, max_length=MAX_ROLE, required=True)
    if not len(violations):
        try:
            ZoneInfo(command.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            violations.add("timezone", "must be an IANA time zone name such as Europe/Berlin")
    location: Any = None
    try:
        location = json.loads(command.location_json or "null")
    except (json.JSONDecodeError, RecursionError):
        pass
    place = check_location(violations, location)
    if command.start is None:
        violations.add("start_utc", "is required")
    if command.end is None:
        violations.add("end_utc", "is required")
    duration = 0
    if command.start is not None and command.end is not None:
        duration = validate_slot(start=command.start, end=command.end, now=now, violations=violations)
        horizon = now + timedelta(days=terms.booking_horizon_days)
        violations.check(
            command.start <= horizon, "start_utc", f"must be within {terms.booking_horizon_days} days from now"
        )
    violations.raise_if_any()
    assert command.start is not None and command.end is not None and place is not None
    return PricedSlot(command, command.start, command.end, duration, location, place, terms)


@transactional(idempotency=SCOPE, key_optional=True)
async def save_quote(uow: PaymentsUnitOfWork, slot: PricedSlot) -> QuoteRow:
    """Prices the validated slot at the provider's rate and keeps the quote."""
    command = slot.command
    rate = await uow.rate_card(command.provider_id, command.role_code)
    if rate is None or not rate.active:
        if not await uow.provider_known(command.provider_id):
            raise invalid_field("provider_id", "no provider has this id")
        raise invalid_field("role_code", "the provider offers no bookings in this role")
    settings = slot.terms
    jurisdiction, tax_bps = tax_jurisdiction(slot.place, settings.tax_rates_bps)
    price = price_booking(
        hourly_rate_cents=rate.hourly_rate_cents,
        currency=rate.currency,
        duration_minutes=slot.duration_minutes,
        platform_fee_bps=settings.platform_fee_bps,
        jurisdiction=jurisdiction,
        tax_bps=tax_bps,
    )
    quote = QuoteRow(
        quote_id=new_id("qte"),
        buyer_id=command.caller.user_id,
        provider_id=command.provider_id,
        role_code=command.role_code,
        start_utc=slot.start,
        end_utc=slot.end,
        timezone=command.timezone,
        location=slot.location,
        currency=price.currency,
        subtotal_cents=price.subtotal_cents,
        platform_fee_cents=price.platform_fee_cents,
        tax_cents=price.tax_cents,
        deposit_cents=price.deposit_cents,
        total_cents=price.total_cents,
        price_snapshot=asdict(price),
        policy_snapshot=asdict(STANDARD_POLICY),
        expires_at=uow.now + timedelta(seconds=settings.quote_ttl_seconds),
        created_at=uow.now,
    )
    uow.add_quote(quote)
    return quote


async def create_quote(
    deps: PaymentsDeps,
    command: CreateQuote,
    request: payments_pb2.CreateQuoteRequest,
    respond: Callable[[QuoteRow], payments_pb2.CreateQuoteResponse],
) -> payments_pb2.CreateQuoteResponse:
    """Validates, answers a repeated key, checks the slot with orders, then prices and saves."""
    async with deps.uow() as uow:
        slot = validate(command, now=uow.now, terms=deps.settings)
        if request.request_id:
            replay = await uow.peek(scope=caller_scope(SCOPE), key=request.request_id, request=request)
            if isinstance(replay, payments_pb2.CreateQuoteResponse):
                return replay
    if not await deps.orders.slot_free(command.provider_id, slot.start, slot.end):
        raise PaymentsReason.SLOT_TAKEN.error("the provider is already booked for this slot")
    return await execute(
        save_quote,
        slot,
        uow=deps.uow(),
        request=request,
        respond=respond,
    )
