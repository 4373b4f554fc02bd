"""A quote, for its buyer or provider, staff, or orders."""

from __future__ import annotations

from dataclasses import dataclass

from callsheet_kit.errors import not_found
from callsheet_kit.uow import transactional
from services.payments.adapters.tables import QuoteRow
from services.payments.usecases.access import ORDERS_SERVICE
from services.payments.usecases.ports import Command, PaymentsUnitOfWork


@dataclass(frozen=True)
class GetQuote(Command):
    """Asks for a quote."""

    quote_id: str


@transactional()
async def get_quote(uow: PaymentsUnitOfWork, command: GetQuote) -> QuoteRow:
    """The quote; NOT_FOUND for anyone else."""
    caller = command.caller
    quote = await uow.quote(command.quote_id)
    allowed = caller.is_staff or caller.service == ORDERS_SERVICE
    if quote is None or not (allowed or caller.user_id in (quote.buyer_id, quote.provider_id)):
        raise not_found("quote")
    return quote
