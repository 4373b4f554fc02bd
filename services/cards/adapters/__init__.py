"""Adapters of cards."""
