"""The ledger as admins read it: an order's entries and balances, a provider's payable.

Support reads an order's entries and balances too, on its own account, for its evidence packs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from callsheet_kit.errors import Violations, permission_denied
from callsheet_kit.identity import ADMIN, Caller
from callsheet_kit.uow import transactional
from callsheet_kit.validation import MAX_ID, check_text
from services.payments.domain.ledger import Balance, provider_payable
from services.payments.usecases.access import require_ledger_reader
from services.payments.usecases.ports import Command, PaymentsUnitOfWork, PostedEntry


def require_admin(caller: Caller) -> None:
    """A provider's balance is for admins: everyone else, staff included, is refused."""
    if ADMIN not in caller.roles:
        raise permission_denied("only an admin may read the ledger")


@dataclass(frozen=True)
class GetOrderLedger(Command):
    """Asks for an order's ledger."""

    order_id: str


@dataclass(frozen=True)
class OrderLedger:
    """An order's entries, oldest first, and the balance of every account they touch."""

    order_id: str
    entries: Sequence[PostedEntry]
    balances: dict[str, Balance]


@transactional()
async def get_order_ledger(uow: PaymentsUnitOfWork, command: GetOrderLedger) -> OrderLedger:
    """An order's ledger (empty for an order without money); PERMISSION_DENIED unless an admin, or
    support on its own account, asks."""
    require_ledger_reader(command.caller)
    violations = Violations()
    check_text(violations, "order_id", command.order_id, max_length=MAX_ID, required=True)
    violations.raise_if_any()
    entries = await uow.order_entries(command.order_id)
    return OrderLedger(command.order_id, entries, await uow.order_balances(command.order_id))


@dataclass(frozen=True)
class GetProviderBalance(Command):
    """Asks for what the platform owes a provider."""

    provider_id: str


@transactional()
async def get_provider_balance(uow: PaymentsUnitOfWork, command: GetProviderBalance) -> tuple[str, dict[str, Balance]]:
    """The provider's payable account and its balance per currency; PERMISSION_DENIED unless an admin asks."""
    require_admin(command.caller)
    violations = Violations()
    check_text(violations, "provider_id", command.provider_id, max_length=MAX_ID, required=True)
    violations.raise_if_any()
    account = provider_payable(command.provider_id)
    return account, await uow.account_balances(account)
