"""The owning services as the cards engine's effects call them: orders' calendar and lifecycle, payments' money.

Every call carries a request id derived from the card's decision (``decision``: the card and its
version when it was decided), so a step repeated after a crash or a lost reply is answered once
by its owner, and a card reopened and decided again asks anew. Calls are made as the cards service itself, acting for
no user: the owners key idempotency by caller, and a step may run in the request that decided or
in a sweeper, which must both be the same caller.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from callsheet.common.v1.money_pb2 import Money
from callsheet.orders.v1 import orders_pb2, orders_pb2_grpc
from callsheet.payments.v1 import payments_pb2, payments_pb2_grpc
from callsheet_kit.identity import Caller, acting_as
from callsheet_kit.proto import timestamp
from callsheet_kit.rpc import Peers, invoke

SYSTEM = Caller()


class GrpcEffects:
    """``EffectsPort`` over the orders and payments gRPC services."""

    def __init__(self, peers: Peers) -> None:
        self._peers = peers

    def _orders(self) -> orders_pb2_grpc.OrdersServiceStub:
        return orders_pb2_grpc.OrdersServiceStub(self._peers.channel("orders"))

    def _payments(self) -> payments_pb2_grpc.PaymentsServiceStub:
        return payments_pb2_grpc.PaymentsServiceStub(self._peers.channel("payments"))

    async def _call(self, method: Any, request: Any) -> Any:
        with acting_as(SYSTEM):
            return await invoke(method, request, timeout=self._peers.timeout)

    async def hold_slots(self, *, order_id: str, card_id: str, slots: list[tuple[datetime, datetime]]) -> None:
        """A calendar hold per proposed slot (SLOT_TAKEN when one overlaps a confirmed booking)."""
        request = orders_pb2.HoldSlotsRequest(
            request_id=f"hold:{card_id}",
            order_id=order_id,
            card_id=card_id,
            slots=[orders_pb2.Slot(start_utc=timestamp(start), end_utc=timestamp(end)) for start, end in slots],
        )
        await self._call(self._orders().HoldSlots, request)

    async def release_holds(self, *, order_id: str, card_id: str, decision: str) -> None:
        """Releases the card's holds."""
        request = orders_pb2.ReleaseHoldsRequest(request_id=f"release:{decision}", order_id=order_id, card_id=card_id)
        await self._call(self._orders().ReleaseHolds, request)

    async def apply_reschedule(self, *, order_id: str, card_id: str, decision: str, slot_index: int) -> None:
        """The chosen hold becomes the order's event; the order's times move."""
        request = orders_pb2.ApplyRescheduleRequest(
            request_id=f"apply:{decision}", order_id=order_id, card_id=card_id, slot_index=slot_index
        )
        await self._call(self._orders().ApplyReschedule, request)

    async def complete_order(self, *, order_id: str, card_id: str, decision: str) -> None:
        """IN_PROGRESS → COMPLETED; the reviews window opens."""
        request = orders_pb2.CompleteOrderRequest(request_id=f"complete:{decision}", order_id=order_id, card_id=card_id)
        await self._call(self._orders().CompleteOrder, request)

    async def dispute_order(self, *, order_id: str, card_id: str, decision: str) -> None:
        """→ DISPUTED."""
        request = orders_pb2.DisputeOrderRequest(request_id=f"dispute:{decision}", order_id=order_id, card_id=card_id)
        await self._call(self._orders().DisputeOrder, request)

    async def charge_extras(
        self, *, order_id: str, card_id: str, decision: str, items: list[dict[str, Any]], currency: str
    ) -> None:
        """Charges the accepted extras to the buyer."""
        request = payments_pb2.ChargeExtrasRequest(
            request_id=f"extras:{decision}",
            order_id=order_id,
            items=[
                payments_pb2.ExtraItem(
                    description=item["description"],
                    quantity=int(item["quantity"]),
                    unit_amount=Money(amount_cents=int(item["unitAmountCents"]), currency=currency),
                )
                for item in items
            ],
        )
        await self._call(self._payments().ChargeExtras, request)

    async def add_expense(
        self, *, order_id: str, card_id: str, decision: str, items: list[dict[str, Any]], currency: str
    ) -> None:
        """Adds the approved expense to the final settlement."""
        request = payments_pb2.AddExpenseRequest(
            request_id=f"expense:{decision}",
            order_id=order_id,
            items=[
                payments_pb2.ExpenseItem(
                    category=item["category"],
                    description=item["description"],
                    amount=Money(amount_cents=int(item["amountCents"]), currency=currency),
                    receipt_media_id=item.get("receiptMediaId", ""),
                )
                for item in items
            ],
        )
        await self._call(self._payments().AddExpense, request)

    async def schedule_payout(self, *, order_id: str, card_id: str, decision: str, completed_at: datetime) -> None:
        """The final settlement: expenses charged, the payout due two days after completion."""
        request = payments_pb2.SchedulePayoutRequest(
            request_id=f"payout:{decision}", order_id=order_id, completed_at=timestamp(completed_at)
        )
        await self._call(self._payments().SchedulePayout, request)

    async def freeze_payout(self, *, order_id: str, card_id: str, decision: str, reason: str) -> None:
        """Freezes the provider's payout while the dispute is open."""
        request = payments_pb2.FreezeReserveRequest(request_id=f"dispute:{decision}", order_id=order_id, reason=reason)
        await self._call(self._payments().FreezeReserve, request)

    async def unfreeze_payout(self, *, order_id: str, card_id: str, decision: str) -> None:
        """Releases the freeze ``freeze_payout`` made for ``decision`` (same caller, same key), once."""
        request = payments_pb2.UnfreezeReserveRequest(
            request_id=f"unfreeze:{decision}", order_id=order_id, freeze_request_id=f"dispute:{decision}"
        )
        await self._call(self._payments().UnfreezeReserve, request)

    async def schedule_payout_after_dispute(self, *, order_id: str, card_id: str, completed_at: datetime) -> None:
        """The final settlement of an order whose dispute support resolved; an order completed before
        its dispute keeps the payout it had (payments schedules once per order)."""
        request = payments_pb2.SchedulePayoutRequest(
            request_id=f"payout:dispute:{card_id}", order_id=order_id, completed_at=timestamp(completed_at)
        )
        await self._call(self._payments().SchedulePayout, request)
