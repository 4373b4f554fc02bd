"""The money commands the cards engine and support send payments, and Stripe's webhook deliveries.

They are not public mutations: the bench calls payments over gRPC with the caller's own service
credential, as the cards engine and support do, and posts signed webhook events to the gateway
as Stripe does. Each request builder takes the index of the confirmed order it acts on.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import grpc

from bench.client import Connection
from callsheet.common.v1.money_pb2 import Money
from callsheet.payments.v1 import payments_pb2, payments_pb2_grpc
from callsheet_kit.identity import Caller, CredentialIssuer, set_caller
from callsheet_kit.keys import private_key_from_text
from callsheet_kit.proto import timestamp
from callsheet_kit.rpc import invoke, open_channel
from devstack.stack import Stack
from services.payments.adapters.simulator_webhooks import signature_header
from services.payments.config import DEV_WEBHOOK_SECRET

# The names the bench reports them under, in the order it runs them.
MONEY_OPERATIONS = (
    "ChargeExtras (cards)",
    "AddExpense (cards)",
    "RefundPayment (support)",
    "SchedulePayout (cards)",
    "FreezeReserve (cards)",
    "UnfreezeReserve (cards)",
    "POST /webhooks/stripe",
)

Send = Callable[[Connection, int], Awaitable[None]]


def _usd(cents: int) -> Money:
    return Money(amount_cents=cents, currency="USD")


class MoneyCalls:
    """Payments' stubs as the cards engine and support hold them, and what each call sends."""

    def __init__(self, stack: Stack, orders: list[dict[str, Any]]) -> None:
        self._stack = stack
        self._orders = orders
        self._channels: list[grpc.aio.Channel] = []
        self._stubs: dict[str, payments_pb2_grpc.PaymentsServiceStub] = {}
        self._freezes: dict[int, str] = {}
        set_caller(Caller())

    def _stub(self, caller: str) -> payments_pb2_grpc.PaymentsServiceStub:
        if caller not in self._stubs:
            key = private_key_from_text(self._stack.keys.private_keys[caller])
            channel = open_channel(
                f"127.0.0.1:{self._stack.ports['payments']}",
                issuer=CredentialIssuer(service=caller, key=key),
                audience="payments",
            )
            self._channels.append(channel)
            self._stubs[caller] = payments_pb2_grpc.PaymentsServiceStub(channel)
        return self._stubs[caller]

    async def close(self) -> None:
        """Closes the channels."""
        for channel in self._channels:
            await channel.close(None)

    def _order(self, index: int) -> str:
        return str(self._orders[index % len(self._orders)]["id"])

    def requests(self) -> dict[str, Send]:
        """Every money operation's request, by its bench name."""

        async def charge_extras(_: Connection, index: int) -> None:
            item = payments_pb2.ExtraItem(description="extra look", quantity=1, unit_amount=_usd(2_000))
            request = payments_pb2.ChargeExtrasRequest(
                request_id=uuid.uuid4().hex, order_id=self._order(index), items=[item]
            )
            await invoke(self._stub("cards").ChargeExtras, request, timeout=30)

        async def add_expense(_: Connection, index: int) -> None:
            item = payments_pb2.ExpenseItem(category="travel", description="taxi", amount=_usd(1_500))
            request = payments_pb2.AddExpenseRequest(
                request_id=uuid.uuid4().hex, order_id=self._order(index), items=[item]
            )
            await invoke(self._stub("cards").AddExpense, request, timeout=30)

        async def refund(_: Connection, index: int) -> None:
            request = payments_pb2.RefundPaymentRequest(
                request_id=uuid.uuid4().hex, order_id=self._order(index), amount=_usd(100), reason="goodwill"
            )
            await invoke(self._stub("support").RefundPayment, request, timeout=30)

        async def schedule_payout(_: Connection, index: int) -> None:
            request = payments_pb2.SchedulePayoutRequest(
                request_id=uuid.uuid4().hex, order_id=self._order(index), completed_at=timestamp(datetime.now(UTC))
            )
            await invoke(self._stub("cards").SchedulePayout, request, timeout=30)

        async def freeze(_: Connection, index: int) -> None:
            self._freezes[index] = uuid.uuid4().hex
            request = payments_pb2.FreezeReserveRequest(
                request_id=self._freezes[index], order_id=self._order(index), reason="booking dispute"
            )
            await invoke(self._stub("cards").FreezeReserve, request, timeout=30)

        async def unfreeze(_: Connection, index: int) -> None:
            request = payments_pb2.UnfreezeReserveRequest(
                request_id=uuid.uuid4().hex, order_id=self._order(index), freeze_request_id=self._freezes[index]
            )
            await invoke(self._stub("cards").UnfreezeReserve, request, timeout=30)

        async def webhook(conn: Connection, _: int) -> None:
            # An event of a type payments records and does not act on: verify, deduplicate, keep.
            event = {
                "id": f"evt_{uuid.uuid4().hex[:24]}",
                "object": "event",
                "created": int(time.time()),
                "livemode": False,
                "type": "charge.succeeded",
                "data": {"object": {"id": f"ch_{uuid.uuid4().hex[:24]}", "object": "charge"}},
            }
            body = json.dumps(event).encode()
            headers = {"Stripe-Signature": signature_header(body, DEV_WEBHOOK_SECRET)}
            status, _body = await conn.request("POST", "/webhooks/stripe", body, headers)
            assert status == 200, status

        sends = (charge_extras, add_expense, refund, schedule_payout, freeze, unfreeze, webhook)
        return dict(zip(MONEY_OPERATIONS, sends, strict=True))
