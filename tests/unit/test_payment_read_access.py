"""Who reads an order's money: participants, staff and support on its own account see the summary;
admins and support on its own account read the ledger; strangers learn nothing, whoever carries them."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from memory import MemoryPaymentsUnitOfWork, World
from test_payment_use_cases import authorize, setup

from callsheet_kit.errors import DomainError, ErrorCode
from callsheet_kit.identity import Caller
from services.payments.domain.ledger import Balance, balances
from services.payments.usecases.get_ledger import GetOrderLedger, get_order_ledger
from services.payments.usecases.get_payment_summary import GetPaymentSummary, get_payment_summary
from services.payments.usecases.ports import PostedEntry

ORDER_ID = "ord_1"
SUPPORT = Caller(service="support")
SEES_MONEY = {
    "the buyer": Caller(user_id="u_b", service="gateway"),
    "the provider": Caller(user_id="u_p", service="gateway"),
    "a support agent": Caller(user_id="u_agent_1", roles=frozenset({"support_agent"}), service="gateway"),
    "an admin": Caller(user_id="u_admin", roles=frozenset({"admin"}), service="gateway"),
    "orders": Caller(service="orders"),
    "support on its own account": SUPPORT,
}
STRANGERS = {
    "a stranger": Caller(user_id="u_buyer_2", service="gateway"),
    "support acting for a stranger": Caller(user_id="u_buyer_2", service="support"),
    "notify on its own account": Caller(service="notify"),
    "cards on its own account": Caller(service="cards"),
    "nobody at all": Caller(),
}
READS_LEDGER = {"an admin": SEES_MONEY["an admin"], "support on its own account": SUPPORT}


class LedgerUnitOfWork(MemoryPaymentsUnitOfWork):
    """The in-memory unit of work with the order ledger's reads."""

    async def order_entries(self, order_id: str) -> Sequence[PostedEntry]:
        return [
            PostedEntry(f"led_{index}", entry, self.now)
            for index, entry in enumerate(self.world.ledger)
            if entry.order_id == order_id
        ]

    async def order_balances(self, order_id: str) -> dict[str, Balance]:
        return balances([entry for entry in self.world.ledger if entry.order_id == order_id])


async def booked() -> World:
    world, deps, _ = setup()
    await authorize(deps, ORDER_ID)
    return world


@pytest.mark.asyncio
@pytest.mark.parametrize("who", sorted(SEES_MONEY))
async def test_participants_staff_orders_and_support_on_its_own_account_see_an_orders_money(who: str) -> None:
    world = await booked()
    async with LedgerUnitOfWork(world) as uow:
        summary = await get_payment_summary(uow, GetPaymentSummary(caller=SEES_MONEY[who], order_id=ORDER_ID))
    assert summary.payment.order_id == ORDER_ID and summary.payment.authorized_cents > 0


@pytest.mark.asyncio
@pytest.mark.parametrize("who", sorted(STRANGERS))
async def test_strangers_learn_nothing_of_an_orders_money_whichever_service_carries_them(who: str) -> None:
    world = await booked()
    async with LedgerUnitOfWork(world) as uow:
        with pytest.raises(DomainError) as hidden:
            await get_payment_summary(uow, GetPaymentSummary(caller=STRANGERS[who], order_id=ORDER_ID))
    assert hidden.value.code is ErrorCode.NOT_FOUND


@pytest.mark.asyncio
@pytest.mark.parametrize("who", sorted(READS_LEDGER))
async def test_admins_and_support_on_its_own_account_read_an_orders_ledger(who: str) -> None:
    world = await booked()
    async with LedgerUnitOfWork(world) as uow:
        ledger = await get_order_ledger(uow, GetOrderLedger(caller=READS_LEDGER[who], order_id=ORDER_ID))
    assert ledger.order_id == ORDER_ID
    assert [posted.entry.kind for posted in ledger.entries] == ["authorization"]
    assert all(sum(p.amount_cents for p in posted.entry.postings) == 0 for posted in ledger.entries)


@pytest.mark.asyncio
@pytest.mark.parametrize("who", sorted({**SEES_MONEY, **STRANGERS}.keys() - READS_LEDGER.keys()))
async def test_everyone_else_is_refused_the_ledger_support_agents_and_participants_included(who: str) -> None:
    world = await booked()
    caller = {**SEES_MONEY, **STRANGERS}[who]
    async with LedgerUnitOfWork(world) as uow:
        with pytest.raises(DomainError) as refused:
            await get_order_ledger(uow, GetOrderLedger(caller=caller, order_id=ORDER_ID))
    assert refused.value.code is ErrorCode.PERMISSION_DENIED
