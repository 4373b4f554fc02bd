"""The pure money rules of payments: pricing, policy and refunds. No I/O."""
