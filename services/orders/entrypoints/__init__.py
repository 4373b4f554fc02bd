"""Entry points of orders: the gRPC servicer, the payment-event consumer and the start sweeper."""
