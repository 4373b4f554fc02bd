"""Entry points of payments: the gRPC servicer."""
