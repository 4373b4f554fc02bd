"""Entry points of notify: the gRPC servicer, the order-event consumer and the email sender."""
