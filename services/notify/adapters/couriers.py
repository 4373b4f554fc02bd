"""The couriers of the delivery worker: email over SMTP, push through the push provider."""

from __future__ import annotations

from services.notify.adapters.mailer import Mailer
from services.notify.adapters.push import PushMessage, PushProvider, PushRejected, PushUnavailable
from services.notify.domain.messages import Channel
from services.notify.usecases.deliver import Attempt, Carried, Undeliverable


class EmailCourier:
    """Sends an attempt as an email to the reader's address from the user directory."""

    channel = Channel.EMAIL

    def __init__(self, mailer: Mailer) -> None:
        self._mailer = mailer

    async def carry(self, attempt: Attempt) -> Carried:
        """Sends the email; Undeliverable when the directory has no address for the reader."""
        if not attempt.email:
            raise Undeliverable("no email address in the user directory")
        await self._mailer.send(
            to=attempt.email,
            subject=attempt.rendered.title,
            text=attempt.rendered.text,
            html=attempt.rendered.html,
            message_id=attempt.row.notification_id,
            sent_at=attempt.now,
        )
        return Carried()


class PushCourier:
    """Sends an attempt to every device of the reader; a device the provider says is gone is
    forgotten, and the push went if any device took it."""

    channel = Channel.PUSH

    def __init__(self, provider: PushProvider) -> None:
        self._provider = provider

    async def carry(self, attempt: Attempt) -> Carried:
        """Pushes to each device; raises PushUnavailable when no device could be reached for now."""
        if not attempt.tokens:
            raise Undeliverable("no push device")
        row = attempt.row
        data = {"notificationId": row.notification_id, "eventType": row.event_type, "orderId": row.order_id or ""}
        urgent = bool(row.context.get("urgent"))
        dead: list[str] = []
        unavailable: PushUnavailable | None = None
        delivered = 0
        for token in attempt.tokens:
            message = PushMessage(
                token=token,
                title=attempt.rendered.title,
                body=attempt.rendered.text,
                data=data,
                collapse_key=row.order_id or row.notification_id,
                urgent=urgent,
            )
            try:
                await self._provider.send(message)
                delivered += 1
            except PushRejected:
                dead.append(token)
            except PushUnavailable as later:
                unavailable = later
        if not delivered and unavailable is not None:
            raise unavailable
        if not delivered:
            raise Undeliverable("every device is gone", dead_tokens=dead)
        return Carried(dead_tokens=dead)
