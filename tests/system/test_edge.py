"""Bad input is refused where it enters, naming the field, and changes nothing (issue: the edge holds).

Each defect found at the edge has its regression here, on the running system: through the
gateway as a client sends it, and straight to the owning service (as the gateway would call it),
because a service must refuse bad input itself whatever sits in front of it.
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from saga_tools import ADVANCE, BUYER, PROVIDER, checkout, key, orders_of_quote, quote, wait_for
from system_client import CANCEL, CHECKOUT, CONFIRM, ORDER, QUOTE, GraphQLError, System, fresh_slot, quote_input, rpc

from callsheet.notify.v1 import notify_pb2, notify_pb2_grpc
from callsheet.orders.v1 import orders_pb2, orders_pb2_grpc
from callsheet.payments.v1 import payments_pb2, payments_pb2_grpc
from callsheet_kit.errors import DomainError, ErrorCode
from callsheet_kit.proto import timestamp

TIMELINE = "query($id: ID!) { order(id: $id) { timeline(first: 50) { edges { node { subtype createdAt } } } } }"


def violations(error: DomainError | GraphQLError) -> dict[str, str]:
    if isinstance(error, GraphQLError):
        return {v["field"]: v["description"] for v in error.extensions.get("violations", [])}
    return {v.field: v.description for v in error.violations}


def refused_by_service(
    system: System, service: str, stub: Any, method: str, request: Any, user: str = BUYER
) -> DomainError:
    with pytest.raises(DomainError) as refused:
        rpc(system, service, stub, method, request, user=user)
    return refused.value


def quote_request(**changes: Any) -> payments_pb2.CreateQuoteRequest:
    start = datetime.now(UTC) + timedelta(days=30)
    fields: dict[str, Any] = {
        "provider_id": "u_provider_1",
        "role_code": "photographer",
        "start_utc": timestamp(start),
        "end_utc": timestamp(start + timedelta(hours=2)),
        "timezone": "Europe/Berlin",
        "location_json": json.dumps({"country": "DE"}),
    }
    fields.update(changes)
    return payments_pb2.CreateQuoteRequest(**fields)


def quotes_of_buyer(system: System) -> int:
    with psycopg.connect(system.stack.service_urls["payments"]) as conn:
        row = conn.execute("SELECT count(*) FROM pay.quote WHERE buyer_id = %s", (BUYER,)).fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize(
    ("location", "field"),
    [
        ({}, "location.country"),
        ({"country": "ZZ"}, "location.country"),
        ({"country": 1}, "location.country"),
        ({"country": "US", "region": "XX"}, "location.region"),
        ({"country": "DE", "city": "x" * 1_000}, "location.city"),
        # Past any bound a request may have, the service refuses the raw field before reading it.
        ({"country": "DE", "city": "x" * 1_000_000}, "location_json"),
        ({"country": "DE", "nested": {"a": {"b": {"c": 1}}}}, "location.nested"),
    ],
)
def test_payments_refuses_a_location_it_cannot_tax(system: System, location: dict[str, Any], field: str) -> None:
    before = quotes_of_buyer(system)
    error = refused_by_service(
        system,
        "payments",
        payments_pb2_grpc.PaymentsServiceStub,
        "CreateQuote",
        quote_request(location_json=json.dumps(location)),
    )
    assert error.code is ErrorCode.INVALID_ARGUMENT
    assert field in violations(error), violations(error)
    assert quotes_of_buyer(system) == before


def test_payments_refuses_far_future_bookings_unknown_providers_and_nul_bytes(system: System) -> None:
    far = datetime(9999, 1, 1, 10, tzinfo=UTC)
    error = refused_by_service(
        system,
        "payments",
        payments_pb2_grpc.PaymentsServiceStub,
        "CreateQuote",
        quote_request(start_utc=timestamp(far), end_utc=timestamp(far + timedelta(hours=2))),
    )
    assert "start_utc" in violations(error)
    error = refused_by_service(
        system, "payments", payments_pb2_grpc.PaymentsServiceStub, "CreateQuote", quote_request(provider_id="u_nobody")
    )
    assert list(violations(error)) == ["provider_id"]
    error = refused_by_service(
        system, "payments", payments_pb2_grpc.PaymentsServiceStub, "CreateQuote", quote_request(role_code="chef\x00")
    )
    assert violations(error) == {"role_code": "must not contain NUL characters"}


def test_the_same_faults_through_the_gateway_name_the_public_field(system: System) -> None:
    start, end = fresh_slot()
    for changes, field in (
        ({"location": {"country": "ZZ"}}, "input.location.country"),
        ({"providerId": "u_nobody"}, "input.providerId"),
        ({"startUtc": "9999-01-01T10:00:00Z", "endUtc": "9999-01-01T12:00:00Z"}, "input.startUtc"),
    ):
        with pytest.raises(GraphQLError) as refused:
            system.gql(BUYER, QUOTE, {"i": {**quote_input(start, end), **changes}})
        assert refused.value.code == "INVALID_ARGUMENT"
        assert field in violations(refused.value), violations(refused.value)
        assert "_" not in refused.value.errors[0]["message"].split(":")[-1], refused.value.errors[0]["message"]


def test_an_unknown_payment_method_is_invalid_not_declined_and_makes_no_order(system: System) -> None:
    quoted = quote(system)
    variables = {"i": {"quoteId": quoted["id"], "paymentMethodId": "pm_bogus", "idempotencyKey": key()}}
    with pytest.raises(GraphQLError) as unknown:
        system.gql(BUYER, CHECKOUT, variables)
    assert unknown.value.code == "INVALID_ARGUMENT"
    assert list(violations(unknown.value)) == ["input.paymentMethodId"]
    assert orders_of_quote(system, quoted["id"]) == []
    malformed = orders_pb2.CheckoutRequest(request_id=key(), quote_id=quoted["id"], payment_method_id="pm_bogus!")
    error = refused_by_service(system, "orders", orders_pb2_grpc.OrdersServiceStub, "Checkout", malformed)
    assert list(violations(error)) == ["payment_method_id"]


def test_a_cursor_of_another_list_or_a_forged_one_is_refused(system: System) -> None:
    order = checkout(system, quote(system)["id"], key())
    timeline = system.gql(BUYER, ORDER, {"id": order["id"]})["order"]["timeline"]["edges"]
    forged = base64.urlsafe_b64encode(b"[1,2,3]").decode().rstrip("=")
    for token in (timeline[0]["cursor"], forged):
        error = refused_by_service(
            system,
            "orders",
            orders_pb2_grpc.OrdersServiceStub,
            "ListOrders",
            orders_pb2.ListOrdersRequest(page_token=token),
        )
        assert list(violations(error)) == ["page_token"]
        error = refused_by_service(
            system,
            "notify",
            notify_pb2_grpc.NotifyServiceStub,
            "ListNotifications",
            notify_pb2.ListNotificationsRequest(page_token=token),
        )
        assert list(violations(error)) == ["page_token"]


def test_a_confirmation_repeated_with_another_note_is_an_idempotency_mismatch(system: System) -> None:
    order = checkout(system, quote(system)["id"], key())
    same_key = key()
    request = orders_pb2.ConfirmOrderRequest(
        request_id=same_key, order_id=order["id"], expected_version=1, reason="see you"
    )
    confirmed = rpc(system, "orders", orders_pb2_grpc.OrdersServiceStub, "ConfirmOrder", request, user=PROVIDER)
    assert confirmed.order.version == 2
    request.reason = "see you there"
    error = refused_by_service(
        system, "orders", orders_pb2_grpc.OrdersServiceStub, "ConfirmOrder", request, user=PROVIDER
    )
    assert error.code is ErrorCode.IDEMPOTENCY_MISMATCH


def test_quiet_hours_come_as_a_pair(system: System) -> None:
    user = f"u_quiet_{uuid.uuid4().hex[:8]}"
    request = notify_pb2.UpdatePreferencesRequest(quiet_hours_start="22:00")
    error = refused_by_service(
        system, "notify", notify_pb2_grpc.NotifyServiceStub, "UpdatePreferences", request, user=user
    )
    assert list(violations(error)) == ["quiet_hours_end"]
    both = notify_pb2.UpdatePreferencesRequest(quiet_hours_start="22:00", quiet_hours_end="07:00")
    saved = rpc(system, "notify", notify_pb2_grpc.NotifyServiceStub, "UpdatePreferences", both, user=user)
    assert (saved.preferences.quiet_hours_start, saved.preferences.quiet_hours_end) == ("22:00", "07:00")
    moved = rpc(system, "notify", notify_pb2_grpc.NotifyServiceStub, "UpdatePreferences", request, user=user)
    assert (moved.preferences.quiet_hours_start, moved.preferences.quiet_hours_end) == ("22:00", "07:00")


def test_emails_carry_a_date(system: System) -> None:
    order = checkout(system, quote(system)["id"], key())
    (mail,) = system.wait_for_mail(f"{BUYER}@example.test", "Booking requested", about=order["id"])
    assert mail["date"], mail


def test_money_events_are_dated_when_the_money_moved(system: System) -> None:
    order = checkout(system, quote(system)["id"], key())
    system.gql(PROVIDER, CONFIRM, {"i": {"orderId": order["id"], "expectedVersion": 1, "idempotencyKey": key()}})
    system.gql("u_admin", ADVANCE, {"s": 3600}, roles=["admin"])

    def entries() -> dict[str, str]:
        edges = system.gql(BUYER, TIMELINE, {"id": order["id"]})["order"]["timeline"]["edges"]
        return {edge["node"]["subtype"]: edge["node"]["createdAt"] for edge in edges}

    seen = wait_for(entries, lambda found: "payment.captured" in found, what="the capture on the timeline")
    captured, confirmed = (
        datetime.fromisoformat(seen[s].replace("Z", "+00:00")) for s in ("payment.captured", "order.confirmed")
    )
    assert abs(captured - confirmed) < timedelta(minutes=1), seen


def test_through_the_gateway_a_confirmation_with_another_note_is_a_mismatch_and_a_void_shows(system: System) -> None:
    order = checkout(system, quote(system)["id"], key())
    same_key = key()
    command = {"orderId": order["id"], "expectedVersion": 1, "idempotencyKey": same_key, "reason": "see you"}
    assert system.gql(PROVIDER, CONFIRM, {"i": command})["confirmOrder"]["version"] == 2
    with pytest.raises(GraphQLError) as mismatch:
        system.gql(PROVIDER, CONFIRM, {"i": {**command, "reason": "see you there"}})
    assert mismatch.value.code == "IDEMPOTENCY_MISMATCH"

    held = checkout(system, quote(system)["id"], key())
    system.gql(BUYER, CANCEL, {"i": {"orderId": held["id"], "expectedVersion": 1, "idempotencyKey": key()}})
    summary = wait_for(
        lambda: system.gql(
            BUYER,
            "query($id: ID!) { order(id: $id) { payment { status authorized { amountCents } voided { amountCents } } } }",
            {"id": held["id"]},
        )["order"]["payment"],
        lambda payment: payment["status"] == "VOIDED",
        what="the hold voided right after the cancellation",
    )
    assert summary["voided"]["amountCents"] == summary["authorized"]["amountCents"] > 0
