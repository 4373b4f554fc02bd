"""The simulator signs its webhook deliveries as Stripe does: the SDK's own verification accepts them."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from callsheet_kit.errors import DomainError
from services.payments.adapters.simulator_webhooks import retry_wait, signature_header
from services.payments.adapters.stripe_webhooks import StripeWebhookVerifier
from services.payments.config import DEV_WEBHOOK_SECRET

BODY = json.dumps(
    {
        "id": "evt_1",
        "object": "event",
        "type": "charge.dispute.created",
        "created": 1,
        "data": {"object": {"id": "dp_1"}},
    }
).encode()


def test_a_simulated_delivery_passes_the_sdk_verification_and_a_wrong_secret_does_not() -> None:
    event = StripeWebhookVerifier(DEV_WEBHOOK_SECRET).verify(BODY, signature_header(BODY, DEV_WEBHOOK_SECRET))
    assert (event.event_id, event.type, event.object) == ("evt_1", "charge.dispute.created", {"id": "dp_1"})
    with pytest.raises(DomainError) as refused:
        StripeWebhookVerifier(DEV_WEBHOOK_SECRET).verify(BODY, signature_header(BODY, "whsec_other"))
    assert [v.field for v in refused.value.violations] == ["signature"]
    # Signed too long ago: outside Stripe's five-minute tolerance.
    with pytest.raises(DomainError):
        StripeWebhookVerifier(DEV_WEBHOOK_SECRET).verify(BODY, signature_header(BODY, DEV_WEBHOOK_SECRET, at=1))


def test_retries_wait_longer_each_time_up_to_an_hour() -> None:
    waits = [retry_wait(attempt) for attempt in range(1, 15)]
    assert timedelta(seconds=4) <= waits[0] <= timedelta(seconds=6)
    assert all(wait <= timedelta(hours=1.2) for wait in waits)
    assert waits[-1] >= timedelta(minutes=48)
