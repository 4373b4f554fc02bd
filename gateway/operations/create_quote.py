"""createQuote (REST ``POST /v1/quotes``): prices a booking of a provider for the calling buyer."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter
from google.protobuf import json_format
from pydantic import Field

from callsheet.payments.v1 import payments_pb2
from callsheet_kit.errors import Violations
from callsheet_kit.validation import check_location
from gateway.operation import BackendsDep, GraphQLInput, Operation, body_input
from gateway.shapes import ApiModel, ApiObject, Money, UtcDateTime, money, timestamp, to_timestamp


class CreateQuoteInput(ApiModel):
    """The booking to price (as GraphQL's CreateQuoteInput)."""

    provider_id: str
    role_code: str
    start_utc: UtcDateTime
    end_utc: UtcDateTime
    timezone: str
    location: dict[str, Any] = Field(
        description="Where the booking happens: country (ISO 3166-1 alpha-2, required), region (an ISO 3166-2 "
        "subdivision of it), and optionally name, addressLine1, addressLine2, city, postalCode, latitude, longitude."
    )
    idempotency_key: str | None = Field(
        None,
        description="A retry with the same key and the same input returns the first quote; "
        "without one, every request is priced anew.",
    )


class Quote(ApiModel):
    """A priced offer to book a provider for a slot."""

    id: str
    provider_id: str
    role_code: str
    subtotal: Money
    platform_fee: Money
    tax: Money
    deposit: Money
    total: Money
    policy_snapshot: dict[str, Any]
    expires_at: UtcDateTime


def quote(message: payments_pb2.Quote) -> ApiObject:
    """A Quote."""
    price = message.price
    currency = price.total.currency
    return {
        "id": message.id,
        "providerId": message.provider_id,
        "roleCode": message.role_code,
        "subtotal": money(price.subtotal, currency=currency),
        "platformFee": money(price.platform_fee, currency=currency),
        "tax": money(price.tax, currency=currency),
        "deposit": money(price.deposit, currency=currency),
        "total": money(price.total, currency=currency),
        "policySnapshot": json_format.MessageToDict(message.policy, always_print_fields_with_no_presence=True),
        "expiresAt": timestamp(message.expires_at),
    }


router = APIRouter(tags=["orders"])


@router.post("/quotes", response_model=Quote)
async def create_quote(
    backends: BackendsDep, input: Annotated[GraphQLInput, body_input(CreateQuoteInput)]
) -> ApiObject:
    """Prices a booking of a provider for the calling buyer (GraphQL `createQuote`)."""
    # Tax follows the place, so a place payments cannot tax is refused here already.
    violations = Violations()
    check_location(violations, input["location"])
    violations.raise_if_any()
    request = payments_pb2.CreateQuoteRequest(
        # An empty key asks payments to price this request on its own.
        request_id=input.get("idempotencyKey") or "",
        provider_id=input["providerId"],
        role_code=input["roleCode"],
        start_utc=to_timestamp(input["startUtc"]),
        end_utc=to_timestamp(input["endUtc"]),
        timezone=input["timezone"],
        location_json=json.dumps(input["location"], separators=(",", ":")),
    )
    response: payments_pb2.CreateQuoteResponse = await backends.call(backends.payments.CreateQuote, request)
    return quote(response.quote)


OPERATION = Operation("Mutation.createQuote", create_quote, router)
