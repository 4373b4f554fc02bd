"""The GraphQL face of the gateway: the contract schema, its resolvers and its error format."""
