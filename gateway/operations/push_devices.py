"""registerPushDevice / unregisterPushDevice (REST ``POST /v1/push-devices``, ``POST
/v1/push-devices/unregister``): the caller's devices that receive push notifications. The token
travels in the body, never in a URL (where access logs would keep it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from callsheet.notify.v1 import notify_pb2
from gateway.inputs import check_arguments
from gateway.operation import BackendsDep, GraphQLInput, Operation, body_input
from gateway.shapes import ApiModel, ApiObject


class RegisterPushDeviceInput(ApiModel):
    """A device: its FCM registration token and platform (ios, android or web)."""

    token: str
    platform: str


class PushDevices(ApiModel):
    """The caller's devices after the change."""

    devices: int


router = APIRouter(tags=["notifications"])


@router.post("/push-devices", response_model=PushDevices)
async def register_push_device(
    backends: BackendsDep, input: Annotated[GraphQLInput, body_input(RegisterPushDeviceInput)]
) -> ApiObject:
    """Registers a device for push; repeating it changes nothing (GraphQL `registerPushDevice`)."""
    request = notify_pb2.RegisterPushDeviceRequest(token=input["token"], platform=input["platform"])
    response: notify_pb2.RegisterPushDeviceResponse = await backends.call(backends.notify.RegisterPushDevice, request)
    return {"devices": response.devices}


class UnregisterPushDeviceInput(ApiModel):
    """The device to forget: its registration token."""

    token: str


@router.post("/push-devices/unregister", response_model=PushDevices)
async def forget_push_device(
    backends: BackendsDep, input: Annotated[GraphQLInput, body_input(UnregisterPushDeviceInput)]
) -> ApiObject:
    """Forgets one of the caller's devices (GraphQL `unregisterPushDevice`)."""
    return await unregister_push_device(backends, input["token"])


async def unregister_push_device(backends: BackendsDep, token: str) -> ApiObject:
    """Forgets one of the caller's devices; an unknown one changes nothing."""
    check_arguments({"token": token})
    request = notify_pb2.UnregisterPushDeviceRequest(token=token)
    response: notify_pb2.UnregisterPushDeviceResponse = await backends.call(
        backends.notify.UnregisterPushDevice, request
    )
    return {"devices": response.devices}


OPERATION = Operation("Mutation.registerPushDevice", register_push_device, router)
UNREGISTER = Operation("Mutation.unregisterPushDevice", unregister_push_device)
