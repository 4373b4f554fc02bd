"""The use cases of orders, one module each: load the aggregate, ask it, save it."""
