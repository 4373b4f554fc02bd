"""Use cases of payments, one transaction each."""
