"""Support: the help centre, typed cases, SLA clocks and evidence packs (schema ``sup``).

The service runs, is healthy and migrated; its domain arrives with its own capability.
"""
