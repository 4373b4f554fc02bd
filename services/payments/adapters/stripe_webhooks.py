"""Stripe's webhook deliveries verified with its SDK (``Stripe-Signature``: HMAC-SHA256 over the body,
within Stripe's five-minute tolerance).

The SDK is loaded on the first delivery, not at start-up: it weighs about 30 MB, which a payments
process running on the simulator, receiving none, need not carry.
"""

from __future__ import annotations

from datetime import UTC, datetime

from callsheet_kit.errors import invalid_field
from services.payments.usecases.ports import StripeEvent


class StripeWebhookVerifier:
    """Verifies webhook deliveries with the SDK, under the endpoint's signing secret."""

    def __init__(self, secret: str) -> None:
        self._secret = secret

    def verify(self, payload: bytes, signature: str) -> StripeEvent:
        """The event delivered; INVALID_ARGUMENT on ``signature`` when it is missing, malformed or wrong."""
        import stripe

        try:
            event = stripe.Webhook.construct_event(payload, signature, self._secret)
        except stripe.SignatureVerificationError as error:
            raise invalid_field("signature", f"the Stripe-Signature does not hold: {error}") from None
        except ValueError:
            raise invalid_field("payload", "the body is not a Stripe event") from None
        fields = event.to_dict()
        data = fields.get("data")
        found = data.get("object") if isinstance(data, dict) else None
        return StripeEvent(
            event_id=str(fields.get("id", "")),
            type=str(fields.get("type", "")),
            created=datetime.fromtimestamp(int(fields.get("created", 0)), UTC),
            livemode=bool(fields.get("livemode", False)),
            object=found if isinstance(found, dict) else {},
            payload=fields,
        )
