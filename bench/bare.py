"""The bare chain, the local physical limit: HTTP → one grpc.aio call → one PostgreSQL transaction.

Two processes, as the real system has: ``python -m bench.bare grpc`` serves one unary method that
runs a transaction of five statements (the shape of a small use case: claim, read, write, write,
mark); ``python -m bench.bare http`` answers each HTTP request with one call to it. No framework,
no validation, no auth: what is left is the floor any real operation stands on.
"""

from __future__ import annotations

import argparse
import asyncio
import os

import grpc
from psycopg_pool import AsyncConnectionPool

from callsheet_kit import loop

METHOD = "/bench.Bare/Touch"
SETUP = [
    "CREATE SCHEMA IF NOT EXISTS bench",
    "CREATE TABLE IF NOT EXISTS bench.item (id bigint PRIMARY KEY, counter bigint NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS bench.event (id bigserial PRIMARY KEY, item bigint NOT NULL, at timestamptz NOT NULL)",
    "INSERT INTO bench.item (id) SELECT g FROM generate_series(1, 1000) g ON CONFLICT DO NOTHING",
]


async def serve_grpc(port: int, dsn: str) -> None:
    """The bare service: five statements in one transaction per call."""
    pool = AsyncConnectionPool(dsn, min_size=4, max_size=16, open=False)
    await pool.open()
    async with pool.connection() as conn:
        for statement in SETUP:
            await conn.execute(statement)
    counter = 0

    async def touch(request: bytes, context: grpc.aio.ServicerContext[bytes, bytes]) -> bytes:
        nonlocal counter
        counter += 1
        item = counter % 1000 + 1
        async with pool.connection() as conn, conn.transaction():
            await conn.execute("SELECT 1")
            await conn.execute("SELECT counter FROM bench.item WHERE id = %s FOR UPDATE", (item,))
            await conn.execute("UPDATE bench.item SET counter = counter + 1 WHERE id = %s", (item,))
            await conn.execute("INSERT INTO bench.event (item, at) VALUES (%s, now())", (item,))
            await conn.execute("SELECT count(*) FROM bench.item WHERE id = %s", (item,))
        return b"ok"

    server = grpc.aio.server()
    handler = grpc.method_handlers_generic_handler("bench.Bare", {"Touch": grpc.unary_unary_rpc_method_handler(touch)})
    server.add_generic_rpc_handlers((handler,))
    server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    print("bare grpc ready", flush=True)
    await server.wait_for_termination()


async def serve_http(port: int, grpc_port: int) -> None:
    """The bare front: one gRPC call per HTTP request, keep-alive, no framework."""
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{grpc_port}")
    touch = channel.unary_unary(METHOD, request_serializer=None, response_deserializer=None)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                length = 0
                line = await reader.readline()
                if not line:
                    return
                while True:
                    line = await reader.readline()
                    if line in (b"\r\n", b"\n", b""):
                        break
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                if length:
                    await reader.readexactly(length)
                await touch(b"", timeout=10)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok")
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    print("bare http ready", flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    """``python -m bench.bare grpc|http``."""
    parser = argparse.ArgumentParser(prog="python -m bench.bare")
    parser.add_argument("part", choices=["grpc", "http"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--grpc-port", type=int, default=0)
    parser.add_argument("--dsn", default=os.environ.get("BENCH_DSN", ""))
    args = parser.parse_args()
    # The floor runs on the same event loop as the services (see callsheet_kit.loop).
    if args.part == "grpc":
        loop.run(serve_grpc(args.port, args.dsn))
    else:
        loop.run(serve_http(args.port, args.grpc_port))


if __name__ == "__main__":
    main()
