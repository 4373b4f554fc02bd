"""The shape every capability copies: the transaction guard, the event catalog, the error reasons."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from google.protobuf.descriptor import EnumDescriptor
from google.protobuf.message import Message

import callsheet
from callsheet.common.v1 import errors_pb2 as common_errors
from callsheet.orders.v1 import errors_pb2 as orders_errors
from callsheet.orders.v1 import orders_pb2, orders_pb2_grpc
from callsheet.payments.v1 import errors_pb2 as payments_errors
from callsheet.support.v1 import errors_pb2 as support_errors
from callsheet_kit.db import CallInsideTransaction, transaction_scope
from callsheet_kit.errors import CommonReason, Reason
from callsheet_kit.events import NotAnEvent, event_type_of
from callsheet_kit.rpc import invoke
from services.notify.domain.routing import CARD_TYPES
from services.notify.domain.routing import EVENT_TYPES as TOLD
from services.notify.entrypoints.consumers import CARD_EVENTS, ORDER_EVENTS, SUPPORT_EVENTS
from services.notify.entrypoints.consumers import PAYMENT_EVENTS as NOTIFY_PAYMENT_EVENTS
from services.orders.adapters import wire as orders_wire
from services.orders.bootstrap import PAYMENT_EVENTS
from services.orders.domain.errors import OrdersReason
from services.orders.domain.order import OrderTransitioned
from services.payments.adapters import wire as payments_wire
from services.payments.adapters.provider import OutsideTransactions, SimulatedStripe
from services.payments.domain.errors import PaymentsReason
from services.payments.domain.payment import PaymentEvent
from services.support.domain.errors import SupportReason

PROTOS = Path(__file__).resolve().parents[2] / "protos"


class _Unreachable:
    """A stub method that must never be called."""

    _method = "/callsheet.orders.v1.OrdersService/GetOrder"

    async def __call__(self, request: Message, timeout: float) -> Message:
        raise AssertionError("the guard let an RPC through")


@pytest.mark.asyncio
async def test_an_rpc_inside_a_unit_of_work_is_refused() -> None:
    with transaction_scope(), pytest.raises(CallInsideTransaction, match="GetOrder"):
        await invoke(_Unreachable(), orders_pb2.GetOrderRequest(order_id="ord_1"), timeout=1)
    assert orders_pb2_grpc.OrdersServiceStub  # the real stubs go through the same invoke


@pytest.mark.asyncio
async def test_a_card_processor_call_inside_a_unit_of_work_is_refused() -> None:
    provider = OutsideTransactions(SimulatedStripe())
    with transaction_scope(), pytest.raises(CallInsideTransaction):
        await provider.authorize(
            amount_cents=100, currency="USD", payment_method_id="pm_card_visa", idempotency_key="k", metadata={}
        )
    intent = await provider.authorize(
        amount_cents=100, currency="USD", payment_method_id="pm_card_visa", idempotency_key="k", metadata={}
    )
    assert intent.status == "requires_capture"


def event_modules() -> list[object]:
    found = []
    for module in pkgutil.walk_packages(callsheet.__path__, "callsheet."):
        if module.name.endswith(".events_pb2"):
            found.append(importlib.import_module(module.name))
    return found


# The first word of a source's event types is its own name, but for payments, whose events keep
# the plan's names for the money flows they describe, and orders, which opens the reviews window.
EVENT_FAMILIES = {
    "payments": {"payment", "checkout", "refund", "payout", "transfer", "reserve", "dispute"},
    "orders": {"order", "reviews"},
}


def test_every_event_message_names_one_event_type_and_no_type_has_two_messages() -> None:
    types: dict[str, str] = {}
    modules = event_modules()
    assert {m.__name__ for m in modules} >= {"callsheet.orders.v1.events_pb2", "callsheet.payments.v1.events_pb2"}  # type: ignore[attr-defined]
    for module in modules:
        for name, descriptor in module.DESCRIPTOR.message_types_by_name.items():  # type: ignore[attr-defined]
            message_type = getattr(module, name)
            event_type = event_type_of(message_type)
            source = descriptor.full_name.split(".")[1]
            families = EVENT_FAMILIES.get(source, {source.rstrip("s")})
            assert event_type.split(".")[0] in families | {source}, (event_type, source)
            assert event_type not in types, f"{event_type} is both {types[event_type]} and {descriptor.full_name}"
            types[event_type] = descriptor.full_name
    with pytest.raises(NotAnEvent):
        event_type_of(orders_pb2.Order)


def test_every_domain_event_that_leaves_a_service_has_its_message() -> None:
    def subclasses(base: type) -> set[type]:
        # The events themselves: the leaves under ``base`` (a shared base of a family is not one).
        found = set()
        for sub in base.__subclasses__():
            found |= subclasses(sub) or {sub}
        return found

    assert subclasses(OrderTransitioned) == set(orders_wire.TRANSITION_MESSAGES)
    assert subclasses(PaymentEvent) == set(payments_wire._EVENTS)


def test_every_consumer_handles_event_types_its_source_emits() -> None:
    for handled, source in ((ORDER_EVENTS, "orders"), (PAYMENT_EVENTS, "payments")):
        for message_type in handled:
            assert event_type_of(message_type)
            assert message_type.DESCRIPTOR.full_name.startswith(f"callsheet.{source}.v1."), message_type
    assert {event_type_of(m) for m in ORDER_EVENTS} == {
        f"order.{s}"
        for s in (
            "authorized",
            "confirmed",
            "in_progress",
            "completed",
            "cancelled",
            "disputed",
            "closed",
            "rescheduled",
        )
    }


def test_every_event_notify_tells_of_has_its_templates() -> None:
    told = set()
    for handled, source in (
        (ORDER_EVENTS, "orders"),
        (CARD_EVENTS, "cards"),
        (NOTIFY_PAYMENT_EVENTS, "payments"),
        (SUPPORT_EVENTS, "support"),
    ):
        for message_type in handled:
            assert message_type.DESCRIPTOR.full_name.startswith(f"callsheet.{source}.v1."), message_type
            family = event_type_of(message_type)
            told |= {f"{family}.{kind}" for kind in CARD_TYPES} if source == "cards" else {family}
    assert told == set(TOLD)


def proto_reasons(enum: EnumDescriptor, proto_file: str) -> dict[str, str]:
    """Each reason of a proto ErrorReason enum with the contract code its comment names."""
    text = (PROTOS / proto_file).read_text()
    codes = {name: code for code, name in re.findall(r"\((\w+)\)\.?\n\s*ERROR_REASON_(\w+) =", text)}
    names = [v.name.removeprefix("ERROR_REASON_") for v in enum.values if v.number != 0]
    return {name: codes.get(name, "?") for name in names}


@pytest.mark.parametrize(
    ("reasons", "enum", "proto_file"),
    [
        (CommonReason, common_errors.ErrorReason.DESCRIPTOR, "callsheet/common/v1/errors.proto"),
        (OrdersReason, orders_errors.ErrorReason.DESCRIPTOR, "callsheet/orders/v1/errors.proto"),
        (PaymentsReason, payments_errors.ErrorReason.DESCRIPTOR, "callsheet/payments/v1/errors.proto"),
        (SupportReason, support_errors.ErrorReason.DESCRIPTOR, "callsheet/support/v1/errors.proto"),
    ],
)
def test_each_services_reasons_mirror_its_proto_enum_and_their_codes(
    reasons: type[Reason], enum: EnumDescriptor, proto_file: str
) -> None:
    in_proto = proto_reasons(enum, proto_file)
    in_code = {reason.value: reason.code.value for reason in reasons}  # type: ignore[attr-defined]
    assert in_code == in_proto
