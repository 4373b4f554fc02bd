"""Use cases of orders, one transaction each."""
