"""Settings of payments: fees, tax by jurisdiction, quote lifetime."""

from __future__ import annotations

from pydantic import Field, model_validator

from callsheet_kit.settings import ServiceSettings

# Sales tax / VAT in basis points by jurisdiction ("COUNTRY" or "COUNTRY-REGION"), applied to the
# subtotal plus the platform fee. Locations elsewhere pay no tax. Override with
# CALLSHEET_TAX_RATES_BPS='{"US-NY": 888, ...}'.
DEFAULT_TAX_RATES_BPS: dict[str, int] = {
    "US-CA": 725,
    "US-NY": 888,
    "US-TX": 625,
    "GB": 2000,
    "DE": 1900,
    "FR": 2000,
}


# The webhook signing secret of dev and test, where the simulator signs the deliveries.
DEV_WEBHOOK_SECRET = "whsec_callsheet_dev"


class PaymentsSettings(ServiceSettings):
    """Payments' settings."""

    platform_fee_bps: int = Field(1000, alias="CALLSHEET_PLATFORM_FEE_BPS", ge=0, le=10_000)
    tax_rates_bps: dict[str, int] = Field(
        default_factory=lambda: dict(DEFAULT_TAX_RATES_BPS), alias="CALLSHEET_TAX_RATES_BPS"
    )
    quote_ttl_seconds: int = Field(1800, alias="CALLSHEET_QUOTE_TTL_SECONDS", gt=0)
    # How far ahead a booking may start.
    booking_horizon_days: int = Field(730, alias="CALLSHEET_BOOKING_HORIZON_DAYS", gt=0)
    # The card processor: Stripe when a secret key is set, else (in dev and test only) the simulator.
    stripe_api_key: str = Field("", alias="STRIPE_API_KEY")
    # Where Stripe's API is, for a server speaking it (localstripe in the tests); Stripe's own by default.
    stripe_api_base: str = Field("", alias="STRIPE_API_BASE")
    # Signs and verifies Stripe's webhook deliveries; in dev and test the simulator signs with the dev one.
    stripe_webhook_secret: str = Field(DEV_WEBHOOK_SECRET, alias="STRIPE_WEBHOOK_SECRET")
    # Where the simulator delivers its webhook events (the gateway's endpoint); empty sends none.
    simulator_webhook_url: str = Field("http://127.0.0.1:8080/webhooks/stripe", alias="STRIPE_SIMULATOR_WEBHOOK_URL")
    # What Stripe charges the platform for a chargeback (kept when the dispute is won, as Stripe does).
    dispute_fee_cents: int = Field(1500, alias="CALLSHEET_DISPUTE_FEE_CENTS", ge=0)
    # How often the payout releaser looks for payouts whose day has come.
    payout_sweep_seconds: float = Field(1.0, alias="CALLSHEET_PAYOUT_SWEEP_SECONDS", gt=0)

    @model_validator(mode="after")
    def _processor_configured(self) -> PaymentsSettings:
        if not self.stripe_api_key and not self.is_dev:
            raise ValueError("STRIPE_API_KEY is required outside dev and test (the simulator moves no real money)")
        if self.stripe_webhook_secret == DEV_WEBHOOK_SECRET and not self.is_dev:
            raise ValueError("STRIPE_WEBHOOK_SECRET is required outside dev and test (the endpoint's signing secret)")
        if not self.files_bucket:
            self.require_files_secret()
        return self
