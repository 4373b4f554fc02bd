"""``make bench``: the real operations measured against the bare chain, on one machine, in one run."""
