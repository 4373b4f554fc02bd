"""The shared kit: the one way every Callsheet service does each cross-cutting thing.

Settings, clock, ids, errors, database sessions and migrations, the transactional outbox and its
relay, durable consumers with an inbox, the NATS bus, the gRPC server and clients, caller
identity, idempotency and telemetry. Services import it; it imports no service.
"""
