"""Adapters of notify: its tables and the SMTP mailer."""
