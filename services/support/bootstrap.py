"""Wires support: the one place its dependencies are chosen."""

from __future__ import annotations

from pathlib import Path

import grpc
from sqlalchemy import func, update

from callsheet.support.v1 import support_pb2, support_pb2_grpc
from callsheet_kit.service import ServiceKit, ServiceParts, periodic
from callsheet_kit.storage import object_store
from services.support.adapters.evidence_sources import GrpcEvidenceSources
from services.support.adapters.gauges import SUPPORT_GAUGES
from services.support.adapters.peers import GrpcPeers
from services.support.adapters.repositories import SqlSupportUnitOfWork
from services.support.adapters.tables import kit_tables, queue_table
from services.support.entrypoints.consumers import consumers
from services.support.usecases.dmca_notice import restore_countered
from services.support.usecases.evidence_pack import EvidencePack
from services.support.usecases.ports import SupportDeps
from services.support.usecases.resolve_case import CaseResolution
from services.support.usecases.sla_sweep import sweep_sla

NAME = "support"
MIGRATIONS = Path(__file__).parent / "migrations"
TABLES = kit_tables
# The dev data's support agent works every queue.
DEV_AGENTS = ("u_agent_1",)


def wire(kit: ServiceKit) -> SupportDeps:
    """Builds support over the kit: orders, cards and payments over gRPC, files in the object store."""

    def uow() -> SqlSupportUnitOfWork:
        return SqlSupportUnitOfWork(kit.parts)

    if not kit.settings.files_bucket:
        kit.settings.require_files_secret()
    deps = SupportDeps(
        uow=uow,
        peers=GrpcPeers(kit.peers),
        evidence=GrpcEvidenceSources(kit.peers),
        store=object_store(kit.settings),
        clock=kit.clock,
    )
    kit.sagas.register(CaseResolution(deps))
    kit.sagas.register(EvidencePack(deps))
    return deps


def build_parts(kit: ServiceKit) -> ServiceParts:
    """The support servicer, its consumers, the SLA sweeper, the DMCA restores and its gauge."""
    from services.support.entrypoints.grpc_api import SupportServicer
    from services.support.entrypoints.help_api import HelpApi

    deps = wire(kit)
    servicer = SupportServicer(deps, HelpApi(kit))

    def register(server: grpc.aio.Server) -> None:
        support_pb2_grpc.add_SupportServiceServicer_to_server(servicer, server)

    return ServiceParts(
        register=[register],
        service_names=[support_pb2.DESCRIPTOR.services_by_name["SupportService"].full_name],
        consumers=consumers(deps.uow, tables=kit.tables, bus=kit.bus),
        workers=[
            periodic("sla-sweep", lambda: sweep_sla(deps.uow), interval=1.0),
            periodic("dmca-restores", lambda: restore_countered(deps), interval=5.0),
        ],
        gauges=[SUPPORT_GAUGES],
    )


async def seed_dev(kit: ServiceKit) -> None:
    """Puts the dev support agent on every queue; repeating it changes nothing."""
    async with kit.db.transaction() as session:
        for agent in DEV_AGENTS:
            await session.execute(
                update(queue_table)
                .where(~queue_table.c.agent_ids.contains([agent]))
                .values(agent_ids=func.array_append(queue_table.c.agent_ids, agent))
            )
