"""Payments: rate cards, quotes, authorizations, captures, voids and refunds (schemas ``pay``, ``acc``)."""
