"""Wires payments: the one place its dependencies are chosen."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import grpc

from callsheet.payments.v1 import payments_pb2, payments_pb2_grpc
from callsheet_kit.service import ServiceKit, ServiceParts, periodic
from callsheet_kit.settings import load
from callsheet_kit.storage import object_store
from services.payments.adapters.gauges import PAYMENT_GAUGES
from services.payments.adapters.orders import GrpcOrders
from services.payments.adapters.provider import OutsideTransactions, SimulatedStripe
from services.payments.adapters.receipt_pdf import render_receipt
from services.payments.adapters.repositories import SqlPaymentsUnitOfWork
from services.payments.adapters.simulator_store import SqlSimulatorStore
from services.payments.adapters.simulator_webhooks import SimulatedWebhooks
from services.payments.adapters.stripe_webhooks import StripeWebhookVerifier
from services.payments.adapters.tables import kit_tables
from services.payments.config import PaymentsSettings
from services.payments.usecases.card_processor import PaymentProvider
from services.payments.usecases.payouts import release_due_payouts
from services.payments.usecases.ports import PaymentsDeps
from services.payments.usecases.store_receipt_documents import store_receipt_documents

NAME = "payments"
MIGRATIONS = Path(__file__).parent / "migrations"
TABLES = kit_tables


@dataclass(frozen=True)
class Payments:
    """The wired service: what its entrypoints hand to the use cases."""

    kit: ServiceKit
    deps: PaymentsDeps
    # The simulator's webhook deliveries, when the simulator stands in for Stripe.
    simulator_webhooks: SimulatedWebhooks | None = None

    def uow(self) -> SqlPaymentsUnitOfWork:
        """A new unit of work."""
        return SqlPaymentsUnitOfWork(self.kit.parts)


def wire(kit: ServiceKit, settings: PaymentsSettings) -> Payments:
    """Builds payments over the kit: Stripe through its SDK when ``STRIPE_API_KEY`` is set, else the
    test-mode simulator with its state in its own tables (dev and test only, see the settings)."""

    def uow() -> SqlPaymentsUnitOfWork:
        return SqlPaymentsUnitOfWork(kit.parts)

    processor: PaymentProvider
    webhooks: SimulatedWebhooks | None = None
    if settings.stripe_api_key:
        # Imported only here: the SDK weighs about 30 MB that a process on the simulator need not carry.
        from services.payments.adapters.stripe_sdk import StripeProcessor, stripe_client

        processor = StripeProcessor(stripe_client(settings.stripe_api_key, api_base=settings.stripe_api_base))
    else:
        processor = SimulatedStripe(SqlSimulatorStore(kit.db), clock=kit.clock)
        if settings.simulator_webhook_url:
            webhooks = SimulatedWebhooks(
                kit.db, url=settings.simulator_webhook_url, secret=settings.stripe_webhook_secret, clock=kit.clock
            )
    deps = PaymentsDeps(
        uow=uow,
        provider=OutsideTransactions(processor),
        orders=GrpcOrders(kit.peers),
        settings=settings,
        webhooks=StripeWebhookVerifier(settings.stripe_webhook_secret),
        documents=object_store(settings),
    )
    return Payments(kit=kit, deps=deps, simulator_webhooks=webhooks)


def build_parts(kit: ServiceKit) -> ServiceParts:
    """The servicer of payments, its workers and its gauges."""
    from services.payments.entrypoints.grpc_api import PaymentsServicer

    payments = wire(kit, load(PaymentsSettings))
    servicer = PaymentsServicer(payments)
    documents = payments.deps.documents
    assert documents is not None

    def register(server: grpc.aio.Server) -> None:
        payments_pb2_grpc.add_PaymentsServiceServicer_to_server(servicer, server)

    workers = [
        periodic(
            "receipt-documents",
            lambda: store_receipt_documents(payments.deps.uow, documents, render_receipt),
            interval=0.5,
        ),
        periodic(
            "payouts", lambda: release_due_payouts(payments.deps), interval=payments.deps.settings.payout_sweep_seconds
        ),
    ]
    if payments.simulator_webhooks is not None:
        workers.append(periodic("stripe-simulator-webhooks", payments.simulator_webhooks.deliver_due, interval=0.5))
    return ServiceParts(
        register=[register],
        service_names=[payments_pb2.DESCRIPTOR.services_by_name["PaymentsService"].full_name],
        workers=workers,
        gauges=[PAYMENT_GAUGES],
    )
