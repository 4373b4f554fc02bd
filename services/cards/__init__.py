"""Cards: action cards, their responses, deadlines and side effects (schema ``cards``).

The service runs, is healthy and migrated; its domain arrives with its own capability.
"""
