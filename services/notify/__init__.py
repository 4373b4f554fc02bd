"""Notify: preferences, the in-app feed and email deliveries of every order event (schema ``ntf``)."""
