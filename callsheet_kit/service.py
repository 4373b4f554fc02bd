"""The one way a service process is put together and run.

``ServiceKit`` wires the shared parts (settings, clock, database, outbox, bus, idempotency, sagas,
peers); ``serve`` runs a gRPC server with the standard health service, reflection, the dev clock
and (in dev and test) the failpoints, plus the outbox relay, the consumers, the saga and
retention sweepers and the service's own workers, and shuts all of it down gracefully. It also
serves the process's Prometheus metrics (``callsheet_kit.metrics``): every gRPC call timed, and
the gauges every service has (its outbox, its sagas, its consumers' backlog) sampled with the
service's own ``ServiceParts.gauges`` every 30 seconds.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import grpc
from google.protobuf.timestamp_pb2 import Timestamp
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from callsheet.clock.v1 import clock_pb2, clock_pb2_grpc
from callsheet.failpoints.v1 import failpoints_pb2, failpoints_pb2_grpc
from callsheet_kit import failpoints, loop
from callsheet_kit.bus import Bus
from callsheet_kit.clock import OffsetClock
from callsheet_kit.consumer import EventConsumer, consumer_backlog
from callsheet_kit.db import Database, make_engine
from callsheet_kit.errors import dev_only, invalid_field
from callsheet_kit.events import Outbox
from callsheet_kit.idempotency import IdempotencyStore
from callsheet_kit.metrics import GaugeQuery, GaugeSample, expose_metrics, sample_gauges
from callsheet_kit.relay import OutboxRelay, outbox_gauges
from callsheet_kit.retention import RetentionPolicy, prune
from callsheet_kit.rpc import Peers, ServerCallerInterceptor, ServerMetricsInterceptor
from callsheet_kit.saga import SagaRunner
from callsheet_kit.settings import ServiceSettings
from callsheet_kit.tables import KitTables
from callsheet_kit.telemetry import configure_logging, instrument_engine, setup_tracing, shutdown_tracing
from callsheet_kit.uow import KitParts

log = logging.getLogger(__name__)

Worker = Callable[[], Coroutine[Any, Any, None]]


@dataclass
class ServiceKit:
    """The shared parts one service is built from."""

    name: str
    settings: ServiceSettings
    clock: OffsetClock
    db: Database
    tables: KitTables
    outbox: Outbox
    idempotency: IdempotencyStore
    sagas: SagaRunner
    bus: Bus
    peers: Peers

    @classmethod
    def build(cls, *, name: str, tables: KitTables, settings: ServiceSettings) -> ServiceKit:
        """Wires the kit for a service whose schema holds ``tables``."""
        clock = OffsetClock()
        engine = make_engine(settings.database_url, pool_size=settings.db_pool_size, application_name=name)
        db = Database(engine)
        return cls(
            name=name,
            settings=settings,
            clock=clock,
            db=db,
            tables=tables,
            outbox=Outbox(tables=tables, source=name, prefix=settings.event_prefix, clock=clock),
            idempotency=IdempotencyStore(tables),
            sagas=SagaRunner(db=db, tables=tables, clock=clock),
            bus=Bus(url=settings.nats_url, stream=settings.stream_name, prefix=settings.event_prefix, name=name),
            peers=Peers(
                addr_of=settings.peer_addr, service=name, key=settings.service_key, timeout=settings.rpc_timeout_seconds
            ),
        )

    @property
    def parts(self) -> KitParts:
        """What every unit of work of this service shares."""
        return KitParts(
            db=self.db, outbox=self.outbox, idempotency=self.idempotency, clock=self.clock, sagas=self.sagas
        )

    @property
    def retention(self) -> RetentionPolicy:
        """How long the kit's tables keep their rows, from the settings."""
        settings = self.settings
        return RetentionPolicy(
            idempotency=timedelta(days=settings.retain_idempotency_days),
            inbox=timedelta(days=settings.retain_inbox_days),
            outbox=timedelta(days=settings.retain_outbox_days),
        )

    async def load_clock(self) -> None:
        """Takes up the dev clock offset stored by an earlier ``advanceClock``."""
        table = self.tables.dev_clock
        async with self.db.transaction() as session:
            offset = (await session.execute(select(table.c.offset_seconds).where(table.c.id == 1))).scalar()
        if offset:
            self.clock.advance_to(int(offset))

    async def store_clock(self, offset_seconds: int) -> None:
        """Persists a new dev clock offset (it only moves forwards) and applies it."""
        table = self.tables.dev_clock
        statement = insert(table).values(id=1, offset_seconds=offset_seconds)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.id],
            set_={"offset_seconds": statement.excluded.offset_seconds},
            where=table.c.offset_seconds < statement.excluded.offset_seconds,
        )
        async with self.db.transaction() as session:
            await session.execute(statement)
        self.clock.advance_to(offset_seconds)


class ClockServicer(clock_pb2_grpc.ClockServiceServicer):
    """The dev clock of this service."""

    def __init__(self, kit: ServiceKit) -> None:
        self._kit = kit

    def _now(self) -> Timestamp:
        now = Timestamp()
        now.FromDatetime(self._kit.clock.now())
        return now

    async def GetClock(self, request: clock_pb2.GetClockRequest, context: object) -> clock_pb2.GetClockResponse:
        """Returns this service's time and offset, as stored: a replica that has not taken up
        another replica's move yet answers with it, so a move computed from the answer is never
        one behind (and dropped, as clocks only move forwards)."""
        if self._kit.settings.is_dev:
            await self._kit.load_clock()
        return clock_pb2.GetClockResponse(now=self._now(), offset_seconds=self._kit.clock.offset_seconds)

    async def SetClockOffset(
        self, request: clock_pb2.SetClockOffsetRequest, context: object
    ) -> clock_pb2.SetClockOffsetResponse:
        """Moves this service's clock forward (dev and test only)."""
        if not self._kit.settings.is_dev:
            raise dev_only()
        await self._kit.store_clock(request.offset_seconds)
        return clock_pb2.SetClockOffsetResponse(now=self._now(), offset_seconds=self._kit.clock.offset_seconds)


_FAILPOINT_ACTIONS = {
    failpoints_pb2.FAILPOINT_ACTION_ERROR: failpoints.FailpointAction.ERROR,
    failpoints_pb2.FAILPOINT_ACTION_CRASH: failpoints.FailpointAction.CRASH,
}


class FailpointServicer(failpoints_pb2_grpc.FailpointServiceServicer):
    """Arms and disarms this service's failpoints (dev and test only)."""

    def __init__(self, kit: ServiceKit) -> None:
        self._kit = kit

    async def ArmFailpoint(
        self, request: failpoints_pb2.ArmFailpointRequest, context: object
    ) -> failpoints_pb2.ArmFailpointResponse:
        """Makes the next passes through a failpoint fail."""
        if not self._kit.settings.is_dev:
            raise dev_only()
        action = _FAILPOINT_ACTIONS.get(request.action)
        if not request.name or action is None:
            raise invalid_field("name" if not request.name else "action", "is required")
        failpoints.arm(request.name, action, max(request.times, 0))
        return failpoints_pb2.ArmFailpointResponse()

    async def DisarmFailpoint(
        self, request: failpoints_pb2.DisarmFailpointRequest, context: object
    ) -> failpoints_pb2.DisarmFailpointResponse:
        """Disarms one failpoint, or all of them."""
        if not self._kit.settings.is_dev:
            raise dev_only()
        failpoints.disarm(request.name)
        return failpoints_pb2.DisarmFailpointResponse()


@dataclass
class ServiceParts:
    """What a service adds to the kit: its servicers, consumers, background workers and sampled gauges."""

    register: Sequence[Callable[[grpc.aio.Server], None]]
    service_names: Sequence[str]
    consumers: Sequence[EventConsumer] = ()
    workers: Sequence[Worker] = ()
    on_stop: Sequence[Worker] = field(default_factory=list)
    gauges: Sequence[GaugeQuery] = ()


def periodic(name: str, work: Callable[[], Awaitable[int]], *, interval: float = 1.0) -> Worker:
    """A worker that runs ``work`` every ``interval`` seconds, and at once again while it finds some.

    ``work`` returns how much it did. Sweeps select with ``FOR UPDATE SKIP LOCKED`` so replicas
    share them; a failure is logged and the loop goes on.
    """

    async def loop() -> None:
        while True:
            try:
                done = await work()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("worker %s failed", name)
                done = 0
            if not done:
                await asyncio.sleep(interval)

    return loop


def kit_workers(kit: ServiceKit) -> list[Worker]:
    """The workers every service runs: the outbox relay, the saga sweeper and retention."""
    settings = kit.settings
    relay = OutboxRelay(db=kit.db, db_url=settings.database_url, tables=kit.tables, bus=kit.bus, clock=kit.clock)

    async def prune_kit_tables() -> int:
        async with kit.db.transaction() as session:
            return await prune(session, kit.tables, now=kit.clock.now(), policy=kit.retention)

    workers: list[Worker] = [
        relay.run,
        periodic("sagas", kit.sagas.sweep, interval=0.5),
        periodic("retention", prune_kit_tables, interval=settings.retention_interval_seconds),
    ]
    if settings.is_dev:
        workers.append(lambda: _refresh_clock(kit))
    return workers


def gauge_samples(kit: ServiceKit, parts: ServiceParts) -> list[GaugeSample]:
    """What the service's sampler reads: the kit's gauges (outbox, sagas, consumers) and the service's own."""
    queries = [outbox_gauges(kit.tables), *parts.gauges]
    sagas = kit.sagas.gauges()
    if sagas is not None:
        queries.append(sagas)
    samples = [query.on(kit.db, kit.clock) for query in queries]
    if parts.consumers:
        samples.append(consumer_backlog(parts.consumers))
    return samples


async def _refresh_clock(kit: ServiceKit) -> None:
    # Another replica may have been told of a newer offset: follow it within a second.
    while True:
        await asyncio.sleep(1.0)
        try:
            await kit.load_clock()
        except Exception as exc:
            log.warning("could not refresh the dev clock: %s", exc)


async def serve(kit: ServiceKit, parts: ServiceParts) -> None:
    """Runs the service until SIGINT or SIGTERM, then stops gracefully."""
    from opentelemetry.instrumentation.grpc import aio_server_interceptor

    settings = kit.settings
    setup_tracing(f"callsheet-{kit.name}", settings.traces_exporter)
    metrics_port = expose_metrics(f"callsheet-{kit.name}", host=settings.metrics_host, port=settings.metrics_port)
    instrument_engine(kit.db.engine)
    await kit.load_clock()
    await kit.bus.connect()

    callers = ServerCallerInterceptor(audience=kit.name, keyring=settings.trusted_service_keys)
    server = grpc.aio.server(
        interceptors=[aio_server_interceptor(), ServerMetricsInterceptor(), callers],
        # Callers keep a connection per replica they resolved; closing each one after a while
        # (its calls finish first) makes them resolve again, so a replica added by a scale-up
        # gets its share of calls within minutes.
        options=[
            ("grpc.max_connection_age_ms", int(settings.grpc_max_connection_age_seconds * 1000)),
            ("grpc.max_connection_age_grace_ms", 30_000),
        ],
    )
    for register in parts.register:
        register(server)
    clock_pb2_grpc.add_ClockServiceServicer_to_server(ClockServicer(kit), server)
    failpoints_pb2_grpc.add_FailpointServiceServicer_to_server(FailpointServicer(kit), server)
    health_servicer = health.aio.HealthServicer()  # type: ignore[attr-defined]
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    names = [
        *parts.service_names,
        clock_pb2.DESCRIPTOR.services_by_name["ClockService"].full_name,
        failpoints_pb2.DESCRIPTOR.services_by_name["FailpointService"].full_name,
    ]
    reflection.enable_server_reflection([*names, health.SERVICE_NAME, reflection.SERVICE_NAME], server)
    port = server.add_insecure_port(settings.grpc_listen)
    await server.start()

    samples = gauge_samples(kit, parts)
    workers: list[Worker] = [
        *kit_workers(kit),
        *(c.run for c in parts.consumers),
        *parts.workers,
        lambda: sample_gauges(samples),
    ]
    tasks = [asyncio.create_task(worker()) for worker in workers]

    for name in ["", *names]:
        await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    host = settings.grpc_listen.rsplit(":", 1)[0]
    print(f"{kit.name} serving on {host}:{port}", flush=True)
    print(f"{kit.name} metrics on http://{settings.metrics_host}:{metrics_port}/metrics", flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()

    log.info("%s stopping", kit.name)
    await health_servicer.enter_graceful_shutdown()
    await server.stop(settings.shutdown_grace_seconds)
    await kit.sagas.close(settings.shutdown_grace_seconds)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for hook in parts.on_stop:
        await hook()
    await kit.peers.close()
    await kit.bus.close()
    await kit.db.dispose()
    shutdown_tracing()


def run(kit_factory: Callable[[], ServiceKit], parts_factory: Callable[[ServiceKit], ServiceParts]) -> None:
    """The ``serve`` entry point of a service process."""
    kit = kit_factory()
    configure_logging(kit.settings.log_level)

    async def main() -> None:
        await serve(kit, parts_factory(kit))

    try:
        loop.run(main())
    except KeyboardInterrupt:
        sys.exit(130)
