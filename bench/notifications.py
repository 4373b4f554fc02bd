"""The notification operations: the buyer's feed and preferences, their push devices, and the
delivery log and a dead letter sent again, for admins.

A dead letter is what an outage leaves; the bench makes its own by marking emails the run already
sent as dead-lettered (``prepare``), so ``retryNotificationDelivery`` has one per request.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import psycopg

from bench.client import Connection
from devstack.stack import Stack

# The names the bench reports them under, in the order it runs them.
NOTIFICATION_OPERATIONS = (
    "notifications(first: 20)",
    "updateNotificationPreferences",
    "registerPushDevice",
    "unregisterPushDevice",
    "notificationDeliveries (admin)",
    "retryNotificationDelivery (admin)",
)

FEED = "{ notifications(first: 20) { edges { cursor node { id eventType title body channel status createdAt } } } }"
PREFERENCES = """mutation($i: NotificationPreferencesInput!) {
  updateNotificationPreferences(input: $i) { timezone quietHoursStart quietHoursEnd safeMode email push } }"""
REGISTER = "mutation($i: RegisterPushDeviceInput!) { registerPushDevice(input: $i) { devices } }"
UNREGISTER = "mutation($t: String!) { unregisterPushDevice(token: $t) { devices } }"
LOG = """query($u: ID) { notificationDeliveries(first: 20, userId: $u) {
  edges { node { id eventType channel status attempts lastError createdAt } } } }"""
RETRY = "mutation($id: ID!) { retryNotificationDelivery(id: $id) { id status } }"
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC")

Send = Callable[[Connection, int], Awaitable[None]]


class NotificationCalls:
    """The notification requests of ``user`` (bearer ``token``) and the admin (``admin``)."""

    def __init__(self, stack: Stack, *, user: str, token: str, admin: str) -> None:
        self._stack = stack
        self._user = user
        self._token = token
        self._admin = admin
        self._devices: dict[int, str] = {}
        self._dead: list[str] = []

    async def prepare(self, count: int) -> None:
        """Marks ``count`` of the user's sent emails dead-lettered, for the retries to send again."""
        async with await psycopg.AsyncConnection.connect(self._stack.database_url, autocommit=True) as db:
            rows = await (
                await db.execute(
                    "UPDATE ntf.notification SET status = 'dead_letter', last_error = 'bench'"
                    " WHERE notification_id IN (SELECT notification_id FROM ntf.notification"
                    " WHERE user_id = %s AND channel = 'email' AND status = 'sent' LIMIT %s)"
                    " RETURNING notification_id",
                    (self._user, count),
                )
            ).fetchall()
        self._dead = [str(row[0]) for row in rows]
        assert len(self._dead) == count, f"only {len(self._dead)} sent emails of {self._user} to dead-letter"

    def requests(self) -> dict[str, Send]:
        """Every notification operation's request, by its bench name."""

        async def feed(conn: Connection, _: int) -> None:
            await conn.graphql(self._token, FEED, {})

        async def preferences(conn: Connection, index: int) -> None:
            await conn.graphql(self._token, PREFERENCES, {"i": {"timezone": ZONES[index % len(ZONES)]}})

        async def register(conn: Connection, index: int) -> None:
            self._devices[index] = f"bench-{uuid.uuid4().hex}"
            await conn.graphql(self._token, REGISTER, {"i": {"token": self._devices[index], "platform": "android"}})

        async def unregister(conn: Connection, index: int) -> None:
            await conn.graphql(self._token, UNREGISTER, {"t": self._devices.pop(index)})

        async def log(conn: Connection, _: int) -> None:
            await conn.graphql(self._admin, LOG, {"u": self._user})

        async def retry(conn: Connection, index: int) -> None:
            answer = await conn.graphql(self._admin, RETRY, {"id": self._dead[index]})
            assert answer["retryNotificationDelivery"]["status"] == "pending", answer

        sends = (feed, preferences, register, unregister, log, retry)
        return dict(zip(NOTIFICATION_OPERATIONS, sends, strict=True))
