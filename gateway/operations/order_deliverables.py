"""Order.deliverables (REST ``GET /v1/orders/{id}/deliverables``): the media a final PROOFS approval
approved, each with a signed download link. Cards asks orders who may see the order: NOT_FOUND otherwise."""

from __future__ import annotations

from fastapi import APIRouter

from callsheet.cards.v1 import cards_pb2
from gateway.operation import BackendsDep, Operation, OrderId
from gateway.shapes import ApiModel, ApiObject


class Media(ApiModel):
    """One file of an order."""

    id: str
    filename: str
    content_type: str
    nsfw: bool
    download_url: str


router = APIRouter(tags=["cards"])


@router.get("/orders/{order_id}/deliverables", response_model=list[Media])
async def order_deliverables(backends: BackendsDep, order_id: OrderId) -> list[ApiObject]:
    """The order's deliverables (GraphQL `Order.deliverables`)."""
    request = cards_pb2.ListDeliverablesRequest(order_id=order_id)
    response: cards_pb2.ListDeliverablesResponse = await backends.call(backends.cards.ListDeliverables, request)
    return [
        {
            "id": item.id,
            "filename": item.filename,
            "contentType": item.content_type,
            "nsfw": item.nsfw,
            "downloadUrl": item.download_url,
        }
        for item in response.media
    ]


OPERATION = Operation("Order.deliverables", order_deliverables, router)
