"""Adapters of support."""
