"""Dev and test infrastructure: embedded PostgreSQL, NATS JetStream and an SMTP sink."""
