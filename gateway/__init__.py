"""The public edge of Callsheet: GraphQL at /graphql and REST at /v1, translated to gRPC calls."""
