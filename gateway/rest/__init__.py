"""The REST face of the gateway under /v1: the same operations as GraphQL, as JSON resources."""
