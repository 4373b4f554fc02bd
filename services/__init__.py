"""Callsheet's back-end services; each owns its schema and talks to the others over gRPC and NATS."""
