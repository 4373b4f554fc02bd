"""Adapters of orders: its tables."""
