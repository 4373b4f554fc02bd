"""Stripe webhook intake; the payments capability that verifies and applies them is not deployed yet."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from gateway.errors import error_fields, not_available

router = APIRouter(tags=["webhooks"])


@router.post("/webhooks/stripe", status_code=501)
async def stripe_webhook() -> JSONResponse:
    """Answers 501 until the payments service takes Stripe events."""
    error = not_available("Stripe webhooks")
    return JSONResponse({"error": {"message": error.message, **error_fields(error)}}, status_code=501)
