"""The use cases of notify, one module each."""
