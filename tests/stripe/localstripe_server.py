"""``python tests/stripe/localstripe_server.py --port N``: localstripe, taught the one Connect field we send it.

localstripe (a stateful fake of Stripe's API, on PyPI) has no Connect: it refuses a
PaymentIntent's ``transfer_group`` as an unexpected parameter. This launcher lets it accept and
keep that field, and changes nothing else, so the adapter is tested with exactly the requests it
sends to Stripe. Transfers and their reversals are tested against recorded requests instead.
"""

from __future__ import annotations

import sys
from typing import Any

from localstripe import resources, server

_create = resources.PaymentIntent.__init__


def _accepting_transfer_group(self: Any, *args: Any, transfer_group: str | None = None, **kwargs: Any) -> None:
    _create(self, *args, **kwargs)
    self.transfer_group = transfer_group


resources.PaymentIntent.__init__ = _accepting_transfer_group  # type: ignore[method-assign]

if __name__ == "__main__":
    sys.argv = [sys.argv[0], "--from-scratch", *sys.argv[1:]]
    server.start()
