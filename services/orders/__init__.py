"""Orders: the authoritative order, its state machine, its timeline and the providers' calendars (schema ``ord``)."""
