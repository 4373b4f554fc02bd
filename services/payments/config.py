"""Settings of payments: fees, tax by jurisdiction, quote lifetime."""

from __future__ import annotations

from pydantic import Field

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


class PaymentsSettings(ServiceSettings):
    """Payments' settings."""

    platform_fee_bps: int = Field(1000, alias="CALLSHEET_PLATFORM_FEE_BPS", ge=0, le=10_000)
    tax_rates_bps: dict[str, int] = Field(
        default_factory=lambda: dict(DEFAULT_TAX_RATES_BPS), alias="CALLSHEET_TAX_RATES_BPS"
    )
    quote_ttl_seconds: int = Field(1800, alias="CALLSHEET_QUOTE_TTL_SECONDS", gt=0)
    # How far ahead a booking may start.
    booking_horizon_days: int = Field(730, alias="CALLSHEET_BOOKING_HORIZON_DAYS", gt=0)
