"""Wires cards: the one place its dependencies are chosen."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import grpc

from callsheet.cards.v1 import cards_pb2, cards_pb2_grpc
from callsheet.orders.v1 import events_pb2 as order_events
from callsheet_kit.consumer import EventConsumer
from callsheet_kit.service import ServiceKit, ServiceParts, periodic
from callsheet_kit.storage import object_store
from services.cards.adapters.effects import GrpcEffects
from services.cards.adapters.gauges import CARD_GAUGES
from services.cards.adapters.orders import GrpcOrders
from services.cards.adapters.repositories import SqlCardsUnitOfWork
from services.cards.adapters.tables import kit_tables
from services.cards.usecases.deadlines import sweep_deadlines
from services.cards.usecases.effects import CardEffects
from services.cards.usecases.order_events import order_cancelled
from services.cards.usecases.ports import CardsDeps

NAME = "cards"
MIGRATIONS = Path(__file__).parent / "migrations"
TABLES = kit_tables


@dataclass(frozen=True)
class Cards:
    """The wired service: what its entrypoints hand to the use cases."""

    kit: ServiceKit
    deps: CardsDeps

    def uow(self) -> SqlCardsUnitOfWork:
        """A new unit of work."""
        return SqlCardsUnitOfWork(self.kit.parts)


def wire(kit: ServiceKit) -> Cards:
    """Builds cards over the kit, reading orders over gRPC."""

    def uow() -> SqlCardsUnitOfWork:
        return SqlCardsUnitOfWork(kit.parts)

    if not kit.settings.files_bucket:
        kit.settings.require_files_secret()
    deps = CardsDeps(
        uow=uow, orders=GrpcOrders(kit.peers), effects=GrpcEffects(kit.peers), store=object_store(kit.settings)
    )
    kit.sagas.register(CardEffects(deps))
    return Cards(kit=kit, deps=deps)


def build_parts(kit: ServiceKit) -> ServiceParts:
    """The cards servicer, its deadline sweeper, its consumer of order events and its gauges."""
    from services.cards.entrypoints.grpc_api import CardsServicer

    cards = wire(kit)
    servicer = CardsServicer(cards)

    def register(server: grpc.aio.Server) -> None:
        cards_pb2_grpc.add_CardsServiceServicer_to_server(servicer, server)

    return ServiceParts(
        register=[register],
        service_names=[cards_pb2.DESCRIPTOR.services_by_name["CardsService"].full_name],
        workers=[periodic("card-deadlines", lambda: sweep_deadlines(cards.deps.uow), interval=1.0)],
        consumers=[
            EventConsumer(
                name="cards-order-events",
                uow=cards.uow,
                tables=kit.tables,
                bus=kit.bus,
                source="orders",
                handlers={order_events.OrderCancelled: order_cancelled},
            )
        ],
        gauges=[CARD_GAUGES],
    )
