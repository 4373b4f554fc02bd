"""checkout (REST ``POST /v1/checkout``): turns a quote into an AUTHORIZED order."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import Field

from callsheet.orders.v1 import orders_pb2
from callsheet_kit.errors import Violations
from callsheet_kit.validation import check_payment_method_id
from gateway.operation import BackendsDep, GraphQLInput, Operation, body_input
from gateway.shapes import ApiModel, ApiObject, Order, order


class CheckoutInput(ApiModel):
    """The quote to check out (as GraphQL's CheckoutInput)."""

    quote_id: str
    payment_method_id: str = Field(description="A Stripe payment method id, e.g. pm_card_visa")
    idempotency_key: str


router = APIRouter(tags=["orders"])


@router.post("/checkout", response_model=Order)
async def checkout(backends: BackendsDep, input: Annotated[GraphQLInput, body_input(CheckoutInput)]) -> ApiObject:
    """Checks out a quote into an AUTHORIZED order (GraphQL `checkout`)."""
    violations = Violations()
    check_payment_method_id(violations, "paymentMethodId", input["paymentMethodId"])
    violations.raise_if_any()
    request = orders_pb2.CheckoutRequest(
        request_id=input["idempotencyKey"], quote_id=input["quoteId"], payment_method_id=input["paymentMethodId"]
    )
    response: orders_pb2.CheckoutResponse = await backends.call(backends.orders.Checkout, request)
    return order(response.order)


OPERATION = Operation("Mutation.checkout", checkout, router)
