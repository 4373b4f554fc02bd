"""The gRPC face of cards: read the order fresh, decode the request, run the use case, encode the card."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import grpc

from callsheet.cards.v1 import cards_pb2, cards_pb2_grpc
from callsheet_kit.errors import DomainError, Violations, invalid_field
from callsheet_kit.identity import current_caller
from callsheet_kit.metrics import timed
from callsheet_kit.proto import timestamp
from callsheet_kit.uow import execute
from callsheet_kit.validation import json_payload
from services.cards.adapters.wire import (
    ACTIONS_BY_WIRE,
    STATES_BY_WIRE,
    TYPES_BY_WIRE,
    encode_card,
    encode_media_info,
)
from services.cards.bootstrap import Cards
from services.cards.domain.card import CardSnapshot
from services.cards.domain.kinds.base import Context
from services.cards.domain.kinds.reschedule import check_counter, check_create
from services.cards.domain.model import CardAction, CardType, OrderView
from services.cards.usecases import metrics
from services.cards.usecases.access import reads_as_service
from services.cards.usecases.commands import (
    CancelCard,
    CreateCard,
    RespondToCard,
    cancel_card,
    card_id_for,
    card_key,
    client_nonce,
    counter_key,
    create_card,
    respond_to_card,
)
from services.cards.usecases.disputes import ResolveDisputeCard, resolve_dispute_card
from services.cards.usecases.media import (
    CreateMediaUpload,
    DescribeMedia,
    SetMediaHidden,
    create_media_upload,
    describe_media,
    list_deliverables,
    set_media_hidden,
)
from services.cards.usecases.queries import GetCard, ListCards, get_card, list_cards

ServicerContext = grpc.aio.ServicerContext[Any, Any]


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class CardsServicer(cards_pb2_grpc.CardsServiceServicer):
    """CardsService over the cards use cases."""

    def __init__(self, cards: Cards) -> None:
        self._cards = cards

    async def _order(self, order_id: str) -> OrderView:
        if not order_id:
            raise invalid_field("order_id", "is required")
        return await self._cards.deps.orders.order_view(order_id, caller=current_caller())

    async def _order_of_card(self, card_id: str) -> tuple[CardSnapshot, OrderView]:
        snapshot = await self._card(card_id)
        return snapshot, await self._order(snapshot.card.order_id)

    async def _card(self, card_id: str) -> CardSnapshot:
        async with self._cards.uow() as uow:
            return await get_card(uow, GetCard(caller=current_caller(), card_id=card_id))

    async def _readable_order(self, order_id: str) -> OrderView | None:
        """The order for participants and staff (orders decides who sees it); None for support
        reading on its own account, which reads cards' own records of any order."""
        if not order_id:
            raise invalid_field("order_id", "is required")
        if reads_as_service(current_caller()):
            return None
        return await self._order(order_id)

    def _encode(self, snapshot: CardSnapshot, order: OrderView | None) -> cards_pb2.Card:
        return encode_card(snapshot, viewer=current_caller().user_id, order=order)

    async def CreateCard(
        self, request: cards_pb2.CreateCardRequest, context: ServicerContext
    ) -> cards_pb2.CreateCardResponse:
        """Opens a card on an order."""
        card_type = TYPES_BY_WIRE.get(request.type)
        with timed(metrics.create_seconds, type=card_type.value if card_type else metrics.UNKNOWN):
            return await self._create_card(request, card_type)

    async def _create_card(
        self, request: cards_pb2.CreateCardRequest, card_type: CardType | None
    ) -> cards_pb2.CreateCardResponse:
        if card_type is None:
            raise invalid_field("type", "must be one of RESCHEDULE, EXTRAS, PROOFS, EXPENSE, COMPLETE, DISPUTE")
        payload = json_payload(request.payload_json)
        order = await self._order(request.order_id)
        command = CreateCard(
            caller=current_caller(), request_id=request.request_id, order=order, card_type=card_type, payload=payload
        )
        card_id = card_id_for(card_key(order.order_id, card_type, client_nonce(current_caller(), request.request_id)))
        held = card_type is CardType.RESCHEDULE and await self._hold(order, card_id, check_create, payload)
        try:
            return await execute(
                create_card,
                command,
                uow=self._cards.uow(),
                request=request,
                respond=lambda card: cards_pb2.CreateCardResponse(card=self._encode(CardSnapshot(card), order)),
            )
        except DomainError:
            if held:  # the card was refused: its holds go with it
                await self._cards.deps.effects.release_holds(
                    order_id=order.order_id, card_id=card_id, decision=f"{card_id}:refused"
                )
            raise

    async def _hold(self, order: OrderView, card_id: str, check: Any, payload: Any) -> bool:
        """Places the calendar holds of a proposal before its card is made: a slot the provider has
        booked is refused now (SLOT_TAKEN), not after the card was shown to the counterpart."""
        violations = Violations()
        slots = check(violations, payload, Context(order=order, now=self._cards.kit.clock.now())).get("slots", [])
        if violations or not slots:
            return False  # the card's own checks name the bad fields
        times = [(_utc(slot["startUtc"]), _utc(slot["endUtc"])) for slot in slots]
        await self._cards.deps.effects.hold_slots(order_id=order.order_id, card_id=card_id, slots=times)
        return True

    async def RespondToCard(
        self, request: cards_pb2.RespondToCardRequest, context: ServicerContext
    ) -> cards_pb2.RespondToCardResponse:
        """Answers a card."""
        action = ACTIONS_BY_WIRE.get(request.action)
        with timed(
            metrics.respond_seconds, type=metrics.UNKNOWN, action=action.value if action else metrics.UNKNOWN
        ) as labels:
            return await self._respond_to_card(request, action, labels)

    async def _respond_to_card(
        self, request: cards_pb2.RespondToCardRequest, action: CardAction | None, labels: dict[str, str]
    ) -> cards_pb2.RespondToCardResponse:
        if action is None:
            raise invalid_field("action", "is required")
        payload = json_payload(request.payload_json)
        snapshot, order = await self._order_of_card(request.card_id)
        labels["type"] = CardType(snapshot.card.type).value
        counter_id = card_id_for(counter_key(snapshot.card))
        held = (
            action is CardAction.COUNTER
            and snapshot.card.type is CardType.RESCHEDULE
            and await self._hold(order, counter_id, check_counter, payload)
        )
        command = RespondToCard(
            caller=current_caller(),
            request_id=request.request_id,
            card_id=request.card_id,
            order=order,
            action=action,
            payload=payload,
            expected_version=request.expected_version,
        )
        try:
            return await execute(
                respond_to_card,
                command,
                uow=self._cards.uow(),
                request=request,
                respond=lambda snapshot: cards_pb2.RespondToCardResponse(card=self._encode(snapshot, order)),
            )
        except DomainError:
            if held:  # the counter was refused: its holds go with it
                await self._cards.deps.effects.release_holds(
                    order_id=order.order_id, card_id=counter_id, decision=f"{counter_id}:refused"
                )
            raise

    async def CancelCard(
        self, request: cards_pb2.CancelCardRequest, context: ServicerContext
    ) -> cards_pb2.CancelCardResponse:
        """Withdraws a card."""
        _, order = await self._order_of_card(request.card_id)
        command = CancelCard(
            caller=current_caller(),
            request_id=request.request_id,
            card_id=request.card_id,
            order=order,
            expected_version=request.expected_version,
        )
        return await execute(
            cancel_card,
            command,
            uow=self._cards.uow(),
            request=request,
            respond=lambda snapshot: cards_pb2.CancelCardResponse(card=self._encode(snapshot, order)),
        )

    async def CreateMediaUpload(
        self, request: cards_pb2.CreateMediaUploadRequest, context: ServicerContext
    ) -> cards_pb2.CreateMediaUploadResponse:
        """A signed link to upload one file of the order."""
        order = await self._order(request.order_id)
        command = CreateMediaUpload(
            caller=current_caller(),
            order=order,
            filename=request.filename,
            content_type=request.content_type,
            nsfw=request.nsfw,
        )
        async with self._cards.uow() as uow:
            upload = await create_media_upload(uow, command, store=self._cards.deps.store)
            await uow.commit()
        return cards_pb2.CreateMediaUploadResponse(
            media_id=upload.media_id,
            upload_url=upload.url,
            expires_at=timestamp(upload.expires_at),
            max_bytes=upload.max_bytes,
        )

    async def ListDeliverables(
        self, request: cards_pb2.ListDeliverablesRequest, context: ServicerContext
    ) -> cards_pb2.ListDeliverablesResponse:
        """The order's deliverables with download links (media support hid are left out)."""
        await self._readable_order(request.order_id)
        async with self._cards.uow() as uow:
            found = await list_deliverables(uow, request.order_id, store=self._cards.deps.store)
        return cards_pb2.ListDeliverablesResponse(
            media=[
                cards_pb2.Media(
                    id=item.media.media_id,
                    filename=item.media.filename,
                    content_type=item.media.content_type,
                    nsfw=item.media.nsfw,
                    download_url=item.download_url,
                )
                for item in found
            ]
        )

    async def GetCard(self, request: cards_pb2.GetCardRequest, context: ServicerContext) -> cards_pb2.GetCardResponse:
        """Returns a card with what the caller can do on it."""
        snapshot = await self._card(request.card_id)
        order = await self._readable_order(snapshot.card.order_id)
        return cards_pb2.GetCardResponse(card=self._encode(snapshot, order))

    async def ListCards(
        self, request: cards_pb2.ListCardsRequest, context: ServicerContext
    ) -> cards_pb2.ListCardsResponse:
        """Returns an order's cards."""
        order = await self._readable_order(request.order_id)
        states = frozenset(STATES_BY_WIRE[state] for state in request.states if state in STATES_BY_WIRE)
        if len(states) != len(set(request.states)):
            raise invalid_field("states", "holds an unknown state")
        async with self._cards.uow() as uow:
            snapshots = await list_cards(
                uow, ListCards(caller=current_caller(), order_id=request.order_id, states=states)
            )
        return cards_pb2.ListCardsResponse(cards=[self._encode(snapshot, order) for snapshot in snapshots])

    async def ResolveDisputeCard(
        self, request: cards_pb2.ResolveDisputeCardRequest, context: ServicerContext
    ) -> cards_pb2.ResolveDisputeCardResponse:
        """Support resolved a DISPUTE card's case: its freeze is released, the payout settled, the card closed."""
        command = ResolveDisputeCard(
            caller=current_caller(), request_id=request.request_id, card_id=request.card_id, note=request.note
        )
        return await resolve_dispute_card(
            self._cards.deps,
            command,
            request,
            respond=lambda snapshot: cards_pb2.ResolveDisputeCardResponse(card=encode_card(snapshot)),
        )

    async def SetMediaHidden(
        self, request: cards_pb2.SetMediaHiddenRequest, context: ServicerContext
    ) -> cards_pb2.SetMediaHiddenResponse:
        """Support hides media everywhere it is served, or restores it."""
        command = SetMediaHidden(
            caller=current_caller(),
            request_id=request.request_id,
            media_ids=list(request.media_ids),
            hidden=request.hidden,
            reason=request.reason,
        )
        return await execute(
            set_media_hidden,
            command,
            uow=self._cards.uow(),
            request=request,
            respond=lambda found: cards_pb2.SetMediaHiddenResponse(media=[encode_media_info(m) for m in found]),
        )

    async def DescribeMedia(
        self, request: cards_pb2.DescribeMediaRequest, context: ServicerContext
    ) -> cards_pb2.DescribeMediaResponse:
        """What is known of media, for support and staff."""
        command = DescribeMedia(caller=current_caller(), media_ids=list(request.media_ids))
        return await execute(
            describe_media,
            command,
            uow=self._cards.uow(),
            respond=lambda found: cards_pb2.DescribeMediaResponse(media=[encode_media_info(m) for m in found]),
        )
