"""providerBalance (REST ``GET /v1/admin/providers/{id}/balance``): what the platform owes a provider, for admins.

Payments decides who may read the ledger: anyone but an admin gets PERMISSION_DENIED.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from callsheet.payments.v1 import payments_pb2
from gateway.backends import Backends
from gateway.inputs import check_arguments
from gateway.operation import BackendsDep, Operation
from gateway.operations.order_ledger import LedgerBalance, ledger_balance
from gateway.shapes import ApiObject


async def resolve_provider_balance(backends: Backends, providerId: str) -> list[ApiObject]:
    """The provider's payable account, one balance per currency (GraphQL `providerBalance`)."""
    request = payments_pb2.GetProviderBalanceRequest(provider_id=providerId)
    response: payments_pb2.GetProviderBalanceResponse = await backends.call(
        backends.payments.GetProviderBalance, request
    )
    return [ledger_balance(balance) for balance in response.balances]


async def _provider_id(provider_id: Annotated[str, Path(description="The provider's user id")]) -> str:
    check_arguments({"providerId": provider_id})
    return provider_id


router = APIRouter(tags=["admin"])


@router.get("/admin/providers/{provider_id}/balance", response_model=list[LedgerBalance])
async def get_provider_balance(
    backends: BackendsDep, provider_id: Annotated[str, Depends(_provider_id)]
) -> list[ApiObject]:
    """What the platform owes a provider, per currency, for admins (GraphQL `providerBalance`)."""
    return await resolve_provider_balance(backends, providerId=provider_id)


OPERATION = Operation("Query.providerBalance", resolve_provider_balance, router)
