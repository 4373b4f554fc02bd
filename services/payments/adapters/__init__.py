"""Adapters of payments: its tables and the payment-provider implementations."""
