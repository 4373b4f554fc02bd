"""Cases that open and close by themselves, from other services' events.

| event | what support does |
|---|---|
| ``card.requested.dispute`` | opens the BOOKING_DISPUTE case of the card, with its evidence pack |
| ``card.closed.dispute`` (withdrawn) | closes the case: the dispute never took hold |
| ``card.stuck.*`` | opens a GENERAL case for an agent: a card's effect could not be applied |
| ``dispute.opened`` | opens the CHARGEBACK case, due by the dispute's ``due_by`` |
| ``dispute.won`` / ``dispute.lost`` | closes the chargeback's case with the card network's decision |

Each opens once per card or dispute: an event delivered twice opens one case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.support.domain.case import SupportCase
from services.support.domain.cases import CaseState, CaseType
from services.support.usecases.open_case import SystemCase, open_system_case
from services.support.usecases.ports import SupportUnitOfWork


@dataclass(frozen=True)
class DisputeCard:
    """A DISPUTE card as its event tells it."""

    card_id: str
    order_id: str
    created_by: str
    reason: str
    description: str
    requested_refund_cents: int | None
    state: str


@dataclass(frozen=True)
class PaymentDispute:
    """A chargeback as payments tells it."""

    dispute_id: str
    order_id: str
    provider_id: str
    reason: str
    amount_cents: int
    currency: str
    due_by: datetime | None


async def dispute_card_opened(uow: SupportUnitOfWork, card: DisputeCard) -> SupportCase:
    """Opens the booking dispute's case (its evidence pack and both participants follow)."""
    refund = f" The buyer asks for {card.requested_refund_cents} cents back." if card.requested_refund_cents else ""
    return await open_system_case(
        uow,
        SystemCase(
            key=f"dispute-card:{card.card_id}",
            case_type=CaseType.BOOKING_DISPUTE,
            opened_by=card.created_by,
            order_id=card.order_id,
            participants=(card.created_by,),
            subject=f"Booking dispute: {card.reason.replace('_', ' ')}",
            description=(card.description or "A participant disputed the booking.") + refund,
            payload={"cardId": card.card_id},
            progress={"disputeReason": card.reason, "requestedRefundCents": card.requested_refund_cents},
        ),
    )


async def dispute_card_closed(uow: SupportUnitOfWork, card: DisputeCard) -> None:
    """A DISPUTE card that ended otherwise than by the case's resolution closes its case."""
    if card.state == "CLOSED":
        return  # closed by the case's own resolution
    case = await uow.case_by_key(f"dispute-card:{card.card_id}", lock=True)
    if case is None:
        # Its end came before its opening: the case opens closed, and the opening changes nothing.
        case = await dispute_card_opened(uow, card)
    if case.case_state not in (CaseState.RESOLVED, CaseState.CLOSED):
        case.close(actor="", reason="The dispute was withdrawn", now=uow.now)


async def card_stuck(uow: SupportUnitOfWork, *, card_id: str, order_id: str, card_type: str, version: int) -> None:
    """A card whose effect could not be applied goes to an agent."""
    await open_system_case(
        uow,
        SystemCase(
            key=f"stuck-card:{card_id}:{version}",
            case_type=CaseType.GENERAL,
            opened_by="",
            order_id=order_id,
            participants=(),
            subject=f"A {card_type.lower()} card's effect is stuck",
            description=f"Card {card_id} was decided but its effect could not be applied; it needs a person.",
            payload={"topic": "stuck_card"},
            progress={"cardId": card_id},
        ),
    )


async def chargeback_opened(uow: SupportUnitOfWork, dispute: PaymentDispute) -> None:
    """Opens the chargeback's case, due by the card network's evidence deadline."""
    await open_system_case(
        uow,
        SystemCase(
            key=f"chargeback:{dispute.dispute_id}",
            case_type=CaseType.CHARGEBACK,
            opened_by="",
            order_id=dispute.order_id,
            participants=(),
            subject=f"Chargeback: {dispute.reason.replace('_', ' ') or 'disputed payment'}",
            description=(
                f"The card holder disputed {dispute.amount_cents} {dispute.currency} with their bank "
                f"({dispute.reason or 'no reason given'}). Evidence is due by "
                f"{dispute.due_by.isoformat() if dispute.due_by else 'the network deadline'}."
            ),
            payload={"disputeId": dispute.dispute_id},
            resolution_due=dispute.due_by,
            progress={"amountCents": dispute.amount_cents, "currency": dispute.currency, "reason": dispute.reason},
        ),
    )


async def chargeback_decided(uow: SupportUnitOfWork, *, dispute_id: str, won: bool) -> None:
    """The card network decided: the case closes with its decision."""
    case = await uow.case_by_key(f"chargeback:{dispute_id}", lock=True)
    if case is None:
        return
    decision = "for the platform: the funds came back" if won else "for the card holder: the funds are lost"
    case.close(actor="", reason=f"The card network decided the chargeback {decision}", now=uow.now)
