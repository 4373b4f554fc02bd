"""Use cases of notify."""
