"""Notifications through the running system with a real SMTP server receiving the mail (the plan's
test 3633): quiet hours hold optional card messages and release them when they end (moved with
advanceClock), break-through for an expiring reschedule and for orders about to start, a digest of
what waited, one email per event delivered twice, an SMTP outage survived and one outlasted into
the dead-letter state, push to a registered device, and preferences that refuse bad input."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import psycopg
import pytest
from saga_tools import PROVIDER, advance_clock, checkout, key, wait_for
from system_client import CONFIRM, QUOTE, GraphQLError, System, fresh_slot, quote_input, rpc
from test_cancellation_money import service_now
from test_card_timeline import deliver_again, published_card_events
from test_cards import EXTRAS, create

from callsheet.orders.v1 import orders_pb2, orders_pb2_grpc
from callsheet_kit.errors import DomainError, ErrorCode

READER = "u_buyer_2"
ADDRESS = f"{READER}@example.test"
ADMIN = "u_admin"
PREFS = "mutation($i: NotificationPreferencesInput!) { updateNotificationPreferences(input: $i) { timezone quietHoursStart quietHoursEnd safeMode email push } }"
READ_PREFS = "{ notificationPreferences { timezone quietHoursStart quietHoursEnd safeMode email push } }"
LOG = """query($user: ID, $status: String, $channel: String, $order: ID) {
  notificationDeliveries(first: 100, userId: $user, status: $status, channel: $channel, orderId: $order) {
    edges { node { id userId eventId eventType channel status category title orderId attempts lastError
      createdAt sentAt nextAttemptAt holdUntil digestId } } } }"""
RETRY = "mutation($id: ID!) { retryNotificationDelivery(id: $id) { id status attempts } }"
REGISTER = "mutation($i: RegisterPushDeviceInput!) { registerPushDevice(input: $i) { devices } }"
UNREGISTER = "mutation($t: String!) { unregisterPushDevice(token: $t) { devices } }"
CANCEL_CARD = "mutation($i: CancelCardInput!) { cancelCard(input: $i) { id state version } }"
CARD_DUE = "query($id: ID!) { card(id: $id) { id dueAt expiresAt } }"
DEFAULTS = {
    "timezone": "UTC",
    "quietHoursStart": None,
    "quietHoursEnd": None,
    "safeMode": False,
    "email": True,
    "push": True,
}


def log(system: System, **filters: str) -> list[dict[str, Any]]:
    """The delivery log as an admin reads it, newest first."""
    data = system.gql(ADMIN, LOG, filters, roles=["admin"])
    return [edge["node"] for edge in data["notificationDeliveries"]["edges"]]


def delivery(
    system: System, order_id: str, event_type: str, channel: str = "email", user: str = READER
) -> dict[str, Any]:
    """The reader's one delivery of an event type about an order, once notify made it."""
    found: list[dict[str, Any]] = wait_for(
        lambda: [d for d in log(system, user=user, order=order_id, channel=channel) if d["eventType"] == event_type],
        bool,
        what=f"the {channel} of {event_type}",
    )
    assert len(found) == 1, found
    return found[0]


def mails_of(system: System, notification_id: str, address: str = ADDRESS) -> list[dict[str, Any]]:
    """The mails the SMTP server received for one delivery (its Message-ID names it)."""
    return [mail for mail in system.mail_to(address) if mail["messageId"] == f"<{notification_id}@callsheet>"]


def local(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%H:%M")


@contextlib.contextmanager
def preferences(system: System, user: str = READER, **changes: Any) -> Iterator[dict[str, Any]]:
    """The user's preferences changed for a test, and put back afterwards."""
    changed: dict[str, Any] = system.gql(user, PREFS, {"i": changes})["updateNotificationPreferences"]
    try:
        yield changed
    finally:
        system.gql(user, PREFS, {"i": DEFAULTS})


@contextlib.contextmanager
def quiet_now(system: System, *, zone: str = "Europe/Berlin", user: str = READER) -> Iterator[datetime]:
    """Quiet hours from an hour ago to an hour from now (service clock) in ``zone``; yields their end."""
    now = service_now(system)
    with preferences(
        system,
        user,
        timezone=zone,
        quietHoursStart=local(now - timedelta(hours=1), zone),
        quietHoursEnd=local(now + timedelta(hours=1), zone),
    ):
        yield now + timedelta(hours=1)


def book(system: System, *, buyer: str = READER, start: datetime | None = None) -> str:
    """A confirmed booking of ``buyer``: of a fresh far slot, or of two hours from ``start``."""
    if start is None:
        slot = fresh_slot()
    else:
        slot = (
            start.isoformat().replace("+00:00", "Z"),
            (start + timedelta(hours=2)).isoformat().replace("+00:00", "Z"),
        )
    quoted = system.gql(buyer, QUOTE, {"i": quote_input(*slot)})["createQuote"]
    order = checkout(system, quoted["id"], key(), buyer=buyer)
    system.gql(PROVIDER, CONFIRM, {"i": {"orderId": order["id"], "expectedVersion": 1, "idempotencyKey": key()}})
    return str(order["id"])


def sink(system: System, method: str, path: str) -> None:
    httpx.request(method, f"{system.stack.mail_http_url}{path}", trust_env=False).raise_for_status()


@contextlib.contextmanager
def smtp_down(system: System) -> Iterator[None]:
    """An SMTP outage: the server refuses connections until the block ends."""
    sink(system, "POST", "/outage")
    try:
        yield
    finally:
        sink(system, "DELETE", "/outage")


def test_3633_an_optional_card_message_waits_for_quiet_hours_to_end_and_goes_once(system: System) -> None:
    order_id = book(system)
    with quiet_now(system) as end:
        card = create(system, PROVIDER, order_id, "EXTRAS", EXTRAS)
        held = delivery(system, order_id, "card.requested.extras")
        assert (held["status"], held["category"], held["sentAt"]) == ("held", "optional", None)
        assert abs(datetime.fromisoformat(held["holdUntil"].replace("Z", "+00:00")) - end) < timedelta(minutes=1)
        # The feed has it at once; the transactional booking emails were not held.
        assert delivery(system, order_id, "card.requested.extras", "in_app")["status"] == "sent"
        confirmed = delivery(system, order_id, "order.confirmed")
        assert (confirmed["category"], confirmed["holdUntil"]) == ("transactional", None)
        wait_for(lambda: mails_of(system, confirmed["id"]), bool, what="the confirmation, sent in quiet hours")
        assert mails_of(system, held["id"]) == []

        advance_clock(system, int((end - service_now(system)).total_seconds()) + 60)
        sent = wait_for(
            lambda: delivery(system, order_id, "card.requested.extras"),
            lambda d: d["status"] == "sent",
            what="the release",
        )
        (mail,) = wait_for(lambda: mails_of(system, held["id"]), bool, what="the held email")
        assert order_id in mail["text"] and card["id"] in mail["text"] + mail["html"]
        assert sent["attempts"] == 1 and sent["title"] == mail["subject"]


def test_3633_an_expiring_reschedule_breaks_through_quiet_hours(system: System) -> None:
    order_id = book(system)
    start = service_now(system) + timedelta(days=3)
    slots = [
        {
            "startUtc": start.isoformat().replace("+00:00", "Z"),
            "endUtc": (start + timedelta(hours=2)).isoformat().replace("+00:00", "Z"),
        }
    ]
    card = create(system, PROVIDER, order_id, "RESCHEDULE", {"slots": slots, "reason": "the studio moved"})
    due = datetime.fromisoformat(
        system.gql(READER, CARD_DUE, {"id": card["id"]})["card"]["dueAt"].replace("Z", "+00:00")
    )
    advance_clock(system, max(int((due - service_now(system)).total_seconds()) - 1800, 0))
    with quiet_now(system, zone="America/Los_Angeles") as end:
        advance_clock(system, int((due - service_now(system)).total_seconds()) + 30)
        reminder = wait_for(
            lambda: delivery(system, order_id, "card.expiring.reschedule"),
            lambda d: d["status"] == "sent",
            what="the reminder",
        )
        assert reminder["holdUntil"] is None and service_now(system) < end
        (mail,) = mails_of(system, reminder["id"])
        assert order_id in mail["text"]


def test_3633_a_card_message_about_an_order_starting_within_a_day_breaks_through(system: System) -> None:
    order_id = book(system, start=service_now(system) + timedelta(hours=20))
    with quiet_now(system, zone="Asia/Kolkata"):
        create(system, PROVIDER, order_id, "EXTRAS", EXTRAS)
        sent = wait_for(
            lambda: delivery(system, order_id, "card.requested.extras"),
            lambda d: d["status"] == "sent",
            what="the email",
        )
        assert sent["holdUntil"] is None
        assert len(mails_of(system, sent["id"])) == 1


def test_several_messages_held_about_one_order_go_as_one_digest(system: System) -> None:
    order_id = book(system)
    with quiet_now(system) as end:
        card = create(system, PROVIDER, order_id, "EXTRAS", EXTRAS)
        system.gql(
            PROVIDER,
            CANCEL_CARD,
            {"i": {"cardId": card["id"], "expectedVersion": card["version"], "idempotencyKey": key()}},
        )
        requested = delivery(system, order_id, "card.requested.extras")
        closed = delivery(system, order_id, "card.closed.extras")
        assert requested["status"] == closed["status"] == "held"
        advance_clock(system, int((end - service_now(system)).total_seconds()) + 60)
        digest = wait_for(
            lambda: delivery(system, order_id, "digest"), lambda d: d["status"] == "sent", what="the digest"
        )
    members = [d for d in log(system, user=READER, order=order_id, channel="email") if d["digestId"] == digest["id"]]
    assert sorted(m["eventType"] for m in members) == ["card.closed.extras", "card.requested.extras"]
    assert {m["status"] for m in members} == {"digested"}
    (mail,) = mails_of(system, digest["id"])
    assert mails_of(system, requested["id"]) == mails_of(system, closed["id"]) == []
    assert order_id in mail["text"] and requested["title"] in mail["text"] and closed["title"] in mail["text"]


def test_an_event_delivered_twice_by_nats_is_one_email(system: System) -> None:
    order_id = book(system)
    create(system, PROVIDER, order_id, "EXTRAS", EXTRAS)
    first = wait_for(
        lambda: delivery(system, order_id, "card.requested.extras"), lambda d: d["status"] == "sent", what="the email"
    )
    deliver_again(system, published_card_events(system, order_id), durable="notify-cards-cards")
    assert [
        d["id"]
        for d in log(system, user=READER, order=order_id, channel="email")
        if d["eventType"] == "card.requested.extras"
    ] == [first["id"]]
    assert len(mails_of(system, first["id"])) == 1


def test_an_smtp_outage_of_two_minutes_loses_nothing_and_sends_once(system: System) -> None:
    with smtp_down(system):
        order_id = book(system)
        failing = wait_for(
            lambda: delivery(system, order_id, "order.confirmed"),
            lambda d: d["attempts"] >= 1 and d["lastError"],
            what="a failed attempt",
        )
        assert failing["status"] == "pending" and failing["nextAttemptAt"]
        for _ in range(2):
            tried = failing["attempts"]
            advance_clock(system, 60)
            failing = wait_for(
                lambda: delivery(system, order_id, "order.confirmed"),
                lambda d, n=tried: d["attempts"] > n,
                what="another attempt",
            )
    assert mails_of(system, failing["id"]) == []
    advance_clock(system, 150)
    sent = wait_for(
        lambda: delivery(system, order_id, "order.confirmed"), lambda d: d["status"] == "sent", what="the send"
    )
    assert sent["attempts"] >= 3
    assert len(wait_for(lambda: mails_of(system, sent["id"]), bool, what="the mail")) == 1


def test_an_outage_past_the_retry_budget_dead_letters_the_email_where_the_log_shows_it(system: System) -> None:
    with smtp_down(system):
        order_id = book(system)
        wait_for(
            lambda: delivery(system, order_id, "order.confirmed"), lambda d: d["attempts"] >= 1, what="a first attempt"
        )
        for _ in range(12):
            current = delivery(system, order_id, "order.confirmed")
            if current["status"] == "dead_letter":
                break
            advance_clock(system, 2200)
            wait_for(
                lambda: delivery(system, order_id, "order.confirmed"),
                lambda d, n=current["attempts"]: d["attempts"] > n or d["status"] == "dead_letter",
                what="the next attempt",
            )
        dead = delivery(system, order_id, "order.confirmed")
        assert (dead["status"], dead["attempts"], dead["nextAttemptAt"]) == ("dead_letter", 10, None)
        assert "Connect" in dead["lastError"] or "refused" in dead["lastError"].lower()
        assert dead["id"] in [d["id"] for d in log(system, status="dead_letter")]
    with pytest.raises(GraphQLError) as refused:
        system.gql(READER, LOG, {})
    assert refused.value.code == "PERMISSION_DENIED"
    retried = system.gql(ADMIN, RETRY, {"id": dead["id"]}, roles=["admin"])["retryNotificationDelivery"]
    assert (retried["status"], retried["attempts"]) == ("pending", 0)
    wait_for(lambda: mails_of(system, dead["id"]), bool, what="the email sent again")
    assert delivery(system, order_id, "order.confirmed")["status"] == "sent"


def test_a_registered_device_gets_the_push_and_a_dead_one_is_forgotten(system: System) -> None:
    token, dead = f"device-{key()}", f"dead-{key()}"
    system.gql(READER, REGISTER, {"i": {"token": token, "platform": "ios"}})
    assert system.gql(READER, REGISTER, {"i": {"token": dead, "platform": "android"}})["registerPushDevice"] == {
        "devices": 2
    }
    try:
        order_id = book(system)
        sent = wait_for(
            lambda: delivery(system, order_id, "order.confirmed", "push"),
            lambda d: d["status"] == "sent",
            what="the push",
        )
        pushes = httpx.get(f"{system.stack.push_url}/messages", params={"token": token}, trust_env=False).json()
        (push,) = [p for p in pushes if p["data"]["notificationId"] == sent["id"]]
        assert push["title"] == sent["title"] and push["data"]["orderId"] == order_id
        assert push["android"]["collapse_key"] == order_id
        # FCM said the other token is gone: it was forgotten.
        assert system.gql(READER, UNREGISTER, {"t": dead})["unregisterPushDevice"] == {"devices": 1}
    finally:
        system.gql(READER, UNREGISTER, {"t": token})


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"timezone": ""}, "timezone"),
        ({"quietHoursStart": "25:00", "quietHoursEnd": "07:00"}, "quietHoursStart"),
        ({"quietHoursStart": "22:00", "quietHoursEnd": "7:00"}, "quietHoursEnd"),
    ],
)
def test_bad_preferences_name_the_field_and_change_nothing(system: System, change: dict[str, Any], field: str) -> None:
    with preferences(system, timezone="Europe/Berlin", quietHoursStart="22:00", quietHoursEnd="07:00") as before:
        with pytest.raises(GraphQLError) as refused:
            system.gql(READER, PREFS, {"i": change})
        assert refused.value.code == "INVALID_ARGUMENT"
        assert [v["field"] for v in refused.value.extensions["violations"]] == [f"input.{field}"]
        assert system.gql(READER, READ_PREFS)["notificationPreferences"] == before


def test_a_card_event_of_an_order_without_a_brief_is_told_after_notify_reads_the_order(system: System) -> None:
    order_id = book(system)
    delivery(system, order_id, "order.confirmed")
    # As for an order booked before notify kept briefs.
    with psycopg.connect(system.stack.service_urls["notify"]) as conn:
        assert conn.execute("DELETE FROM ntf.order_brief WHERE order_id = %s", (order_id,)).rowcount == 1
    create(system, PROVIDER, order_id, "EXTRAS", EXTRAS)
    sent = wait_for(
        lambda: delivery(system, order_id, "card.requested.extras"), lambda d: d["status"] == "sent", what="the email"
    )
    assert len(mails_of(system, sent["id"])) == 1
    with psycopg.connect(system.stack.service_urls["notify"]) as conn:
        row = conn.execute(
            "SELECT buyer_id, provider_id FROM ntf.order_brief WHERE order_id = %s", (order_id,)
        ).fetchone()
    assert row == (READER, PROVIDER)


def test_notify_reads_any_order_on_its_own_account_and_no_other_service_does(system: System) -> None:
    order_id = book(system)
    request = orders_pb2.GetOrderRequest(order_id=order_id)
    read = rpc(system, "orders", orders_pb2_grpc.OrdersServiceStub, "GetOrder", request, caller="notify")
    assert read.order.buyer_id == READER
    for caller, user in (("cards", ""), ("notify", "u_buyer_1")):
        with pytest.raises(DomainError) as hidden:
            rpc(system, "orders", orders_pb2_grpc.OrdersServiceStub, "GetOrder", request, caller=caller, user=user)
        assert hidden.value.code is ErrorCode.NOT_FOUND
