"""userStrikes (REST ``GET /v1/support/strikes/{userId}``): the strikes counted against a user.

A DMCA takedown an agent accepted counts a strike against each uploader of the media, and a
policy violation resolved with a warning (the reported user) or by removing media (its
uploaders) counts one too; a counter-notice that stood withdraws the DMCA notice's strikes.
Support agents and admins see anyone's, a user their own: PERMISSION_DENIED otherwise.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from callsheet.support.v1 import support_pb2
from gateway.inputs import check_arguments
from gateway.operation import BackendsDep, Operation
from gateway.shapes import ApiModel, ApiObject, UtcDateTime, timestamp


class Strike(ApiModel):
    """One strike: the case that counted it, and when it was withdrawn, if it was."""

    case_id: str
    kind: str
    created_at: UtcDateTime
    withdrawn_at: UtcDateTime | None


class UserStrikes(ApiModel):
    """A user's strikes, oldest first, and how many count now."""

    active: int
    strikes: list[Strike]


router = APIRouter(tags=["support"])


@router.get("/support/strikes/{user_id}", response_model=UserStrikes)
async def get_user_strikes(
    backends: BackendsDep, user_id: Annotated[str, Path(description="The user's id")]
) -> ApiObject:
    """The user's strikes (GraphQL `userStrikes`)."""
    return await user_strikes(backends, user_id)


async def user_strikes(backends: BackendsDep, userId: str) -> ApiObject:
    """A user's strikes, oldest first, and how many count now."""
    check_arguments({"userId": userId})
    response: support_pb2.GetStrikesResponse = await backends.call(
        backends.support.GetStrikes, support_pb2.GetStrikesRequest(user_id=userId)
    )
    return {
        "active": response.active,
        "strikes": [
            {
                "caseId": strike.case_id,
                "kind": strike.kind,
                "createdAt": timestamp(strike.created_at),
                "withdrawnAt": timestamp(strike.withdrawn_at) if strike.HasField("withdrawn_at") else None,
            }
            for strike in response.strikes
        ],
    }


OPERATION = Operation("Query.userStrikes", user_strikes, router)
