"""The GraphQL face of the gateway: the schema, its scalars, the endpoint and the error format.

Resolvers live with their operations in ``gateway.operations``.
"""
