"""Stripe webhook intake; the payments capability that verifies and applies them is not deployed yet."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from gateway.errors import not_available
from gateway.rest.errors import error_response

router = APIRouter(tags=["webhooks"])


@router.post("/webhooks/stripe", status_code=501)
async def stripe_webhook() -> JSONResponse:
    """Answers 501 until the payments service takes Stripe events."""
    return error_response(not_available("Stripe webhooks"), status_code=501)
