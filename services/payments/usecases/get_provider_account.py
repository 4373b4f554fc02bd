"""A provider's payout account, for orders (which lets only active providers confirm), staff and the provider."""

from __future__ import annotations

from dataclasses import dataclass

from callsheet_kit.errors import Violations, not_found
from callsheet_kit.uow import transactional
from callsheet_kit.validation import MAX_ID, check_text
from services.payments.domain.onboarding import AccountStatus
from services.payments.usecases.access import ORDERS_SERVICE
from services.payments.usecases.ports import Command, PaymentsUnitOfWork


@dataclass(frozen=True)
class GetProviderAccount(Command):
    """Asks where a provider's payout account stands."""

    provider_id: str


@dataclass(frozen=True)
class ProviderAccount:
    """Where a provider's payout account stands, and what Stripe still needs."""

    provider_id: str
    status: AccountStatus
    requirements_due: list[str]


@transactional()
async def get_provider_account(uow: PaymentsUnitOfWork, command: GetProviderAccount) -> ProviderAccount:
    """The account (PENDING when onboarding never started); NOT_FOUND for anyone but orders, staff and the provider."""
    violations = Violations()
    check_text(violations, "provider_id", command.provider_id, max_length=MAX_ID, required=True)
    violations.raise_if_any()
    caller = command.caller
    if not (caller.service == ORDERS_SERVICE or caller.is_staff or caller.user_id == command.provider_id):
        raise not_found("provider account")
    account = await uow.provider_account(command.provider_id)
    if account is None:
        return ProviderAccount(command.provider_id, AccountStatus.PENDING, [])
    due = account.requirements.get("due", []) if isinstance(account.requirements, dict) else []
    return ProviderAccount(command.provider_id, AccountStatus(account.status), [str(item) for item in due])
