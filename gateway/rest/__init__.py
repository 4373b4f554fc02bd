"""The REST face of the gateway under /v1: its error envelope; the routes live with their operations."""
