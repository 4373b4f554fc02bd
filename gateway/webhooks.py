"""Stripe webhook intake: ``POST /webhooks/stripe`` hands the delivery to payments as it arrived.

The body is passed on byte for byte with its ``Stripe-Signature`` header: payments verifies the
signature over exactly those bytes, records the event once by its id and applies it. A bad or
missing signature is 400 and changes nothing; anything else payments took is 200, so Stripe stops
retrying (a repeated delivery is 200 too, marked ``duplicate``). No bearer token: Stripe proves
itself with the signature.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from callsheet.payments.v1 import payments_pb2
from callsheet_kit.errors import DomainError
from gateway.backends import Backends
from gateway.rest.errors import error_response

router = APIRouter(tags=["webhooks"])


@router.post("/webhooks/stripe", summary="Receive a Stripe webhook delivery")
async def stripe_webhook(request: Request) -> JSONResponse:
    """Passes a Stripe event to payments; 400 when its signature does not hold."""
    backends: Backends = request.app.state.backends
    delivery = payments_pb2.ReceiveStripeEventRequest(
        payload=await request.body(), signature=request.headers.get("stripe-signature", "")
    )
    try:
        received: payments_pb2.ReceiveStripeEventResponse = await backends.call(
            backends.payments.ReceiveStripeEvent, delivery
        )
    except DomainError as error:
        return error_response(error)
    return JSONResponse(
        {"received": True, "eventId": received.event_id, "type": received.type, "duplicate": received.duplicate}
    )
