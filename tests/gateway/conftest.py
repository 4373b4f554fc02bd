"""Fixtures of the gateway tests: a gateway in front of fake services, and token makers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
import pytest_asyncio
from gateway_stack import Recorded, Stack, bearer, running_gateway, settings_for, start_fake_services, token


@pytest_asyncio.fixture(scope="session")
async def fake_services() -> AsyncIterator[tuple[dict[str, int], Recorded]]:
    """The fake services (their ports by name, and what they saw), shared by every test."""
    fakes = await start_fake_services()
    yield fakes.ports, fakes.recorded
    await fakes.stop()


@pytest_asyncio.fixture
async def stack(fake_services: tuple[dict[str, int], Recorded]) -> AsyncIterator[Stack]:
    """A gateway in front of the fake services."""
    ports, recorded = fake_services
    async with running_gateway(settings_for(ports), recorded) as running:
        yield running


@pytest.fixture
def sign() -> Callable[..., str]:
    """Signs tokens with the test secret: ``sign(sub, roles, secret=...)``."""
    return token


@pytest.fixture
def auth() -> Callable[..., dict[str, str]]:
    """The Authorization header for a user: ``auth(sub, roles)``."""
    return bearer
