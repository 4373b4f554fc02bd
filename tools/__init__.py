"""Build tooling: protobuf code generation and its drift check."""
