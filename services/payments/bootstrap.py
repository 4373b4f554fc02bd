"""Wires payments: the one place its dependencies are chosen."""

from __future__ import annotations

from pathlib import Path

import grpc

from callsheet.payments.v1 import payments_pb2, payments_pb2_grpc
from callsheet_kit.service import ServiceKit, ServiceParts
from callsheet_kit.settings import load
from services.payments.adapters.provider import SimulatedStripe
from services.payments.adapters.tables import kit_tables
from services.payments.application.payments import Payments
from services.payments.config import PaymentsSettings
from services.payments.entrypoints.grpc_api import PaymentsServicer

NAME = "payments"
MIGRATIONS = Path(__file__).parent / "migrations"
TABLES = kit_tables


def build_parts(kit: ServiceKit) -> ServiceParts:
    """The servicers and workers of payments."""
    settings = load(PaymentsSettings)
    payments = Payments(kit, settings, SimulatedStripe())
    servicer = PaymentsServicer(kit, payments)

    def register(server: grpc.aio.Server) -> None:
        payments_pb2_grpc.add_PaymentsServiceServicer_to_server(servicer, server)

    return ServiceParts(
        register=[register],
        service_names=[payments_pb2.DESCRIPTOR.services_by_name["PaymentsService"].full_name],
    )
