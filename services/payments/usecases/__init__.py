"""The use cases of payments, one module each."""
