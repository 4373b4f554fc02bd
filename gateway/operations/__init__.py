"""Every operation the gateway serves, one module each; ``OPERATIONS`` is the one place they are listed.

A module holds the operation's models, the conversion of the service's answer, and one async
function that is both its GraphQL resolver and, under a FastAPI route, its REST twin (see
``gateway.operation`` for the conventions). To add an operation once its RPC exists:

1. write ``gateway/operations/<field>.py`` after its closest sibling (``checkout`` for a
   mutation with an input, ``orders`` for a list, ``order_timeline`` for a field of Order),
   ending in ``OPERATION = Operation("Type.field", function, router)``;
2. list it in ``OPERATIONS`` below (the order is the order of /openapi.json).

Fields the contract does not have yet go in ``gateway/schema/extensions.graphql``.
"""

from __future__ import annotations

from gateway.operation import Operation
from gateway.operations import (
    advance_clock,
    cancel_card,
    cancel_order,
    card,
    checkout,
    confirm_order,
    create_card,
    create_media_upload,
    create_quote,
    help_articles,
    help_centre_stats,
    notification_deliveries,
    notification_preferences,
    notifications,
    order,
    order_cards,
    order_deliverables,
    order_ledger,
    order_payment,
    order_timeline,
    orders,
    provider_balance,
    push_devices,
    respond_to_card,
    support_case,
    support_case_assign,
    support_case_change,
    support_case_dmca,
    support_case_open,
    support_case_redact,
    support_case_reply,
    support_case_resolve,
    support_case_strikes,
    support_cases,
    update_notification_preferences,
)

OPERATIONS: tuple[Operation, ...] = (
    create_quote.OPERATION,
    checkout.OPERATION,
    orders.OPERATION,
    order.OPERATION,
    order_timeline.OPERATION,
    order_payment.OPERATION,
    confirm_order.OPERATION,
    cancel_order.OPERATION,
    card.OPERATION,
    order_cards.OPERATION,
    order_cards.OPEN_ACTIONS,
    create_card.OPERATION,
    respond_to_card.OPERATION,
    cancel_card.OPERATION,
    create_media_upload.OPERATION,
    order_deliverables.OPERATION,
    help_articles.OPERATION,
    help_articles.DEFLECTION,
    help_centre_stats.OPERATION,
    support_case_open.OPERATION,
    support_cases.OPERATION,
    support_cases.QUEUE,
    support_case.OPERATION,
    support_case.EVENTS,
    support_case_reply.OPERATION,
    support_case_assign.OPERATION,
    support_case_change.OPERATION,
    support_case_redact.OPERATION,
    support_case_resolve.OPERATION,
    support_case_dmca.OPERATION,
    support_case_strikes.OPERATION,
    notifications.OPERATION,
    notification_preferences.OPERATION,
    update_notification_preferences.OPERATION,
    push_devices.OPERATION,
    push_devices.UNREGISTER,
    notification_deliveries.OPERATION,
    notification_deliveries.RETRY,
    order_ledger.OPERATION,
    provider_balance.OPERATION,
    advance_clock.OPERATION,
)
