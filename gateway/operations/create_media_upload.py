"""createMediaUpload (REST ``POST /v1/orders/{id}/media``): a signed, expiring link to upload one file of an order.

PUT the bytes to ``uploadUrl`` with the same Content-Type (at most 50 MB); the media id then goes
into card payloads (proofs, expense receipts, dispute evidence). Participants only.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import Field

from callsheet.cards.v1 import cards_pb2
from gateway.operation import BackendsDep, GraphQLInput, Operation, body_input
from gateway.shapes import ApiModel, ApiObject, UtcDateTime, timestamp


class CreateMediaUploadInput(ApiModel):
    """The file to upload (as GraphQL's CreateMediaUploadInput; REST takes the order from the path)."""

    filename: str
    content_type: str = Field(
        description="image/jpeg, image/png, image/webp, image/heic, image/tiff, video/mp4, video/quicktime or application/pdf"
    )
    nsfw: bool


class MediaUpload(ApiModel):
    """Where to PUT the file, until when."""

    media_id: str
    upload_url: str
    expires_at: UtcDateTime


router = APIRouter(tags=["cards"])


@router.post("/orders/{order_id}/media", response_model=MediaUpload)
async def create_media_upload(
    backends: BackendsDep,
    input: Annotated[GraphQLInput, body_input(CreateMediaUploadInput, path={"order_id": "orderId"})],
) -> ApiObject:
    """A link to upload one file of the order (GraphQL `createMediaUpload`)."""
    request = cards_pb2.CreateMediaUploadRequest(
        order_id=input["orderId"], filename=input["filename"], content_type=input["contentType"], nsfw=input["nsfw"]
    )
    response: cards_pb2.CreateMediaUploadResponse = await backends.call(backends.cards.CreateMediaUpload, request)
    return {"mediaId": response.media_id, "uploadUrl": response.upload_url, "expiresAt": timestamp(response.expires_at)}


OPERATION = Operation("Mutation.createMediaUpload", create_media_upload, router)
