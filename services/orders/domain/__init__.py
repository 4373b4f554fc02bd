"""The pure rules of orders: states, transitions, who may do what. No I/O."""
