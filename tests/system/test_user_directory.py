"""Notify's user directory over HTTP against a real HTTP server: who a user is and where their
email goes, asked once per batch and kept a while; an unknown user has no address; a directory
that cannot answer fails the attempt (so the delivery is retried) rather than sending nowhere."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
import pytest
import pytest_asyncio
import uvicorn
from fastapi import FastAPI, Header, HTTPException, Query

from devstack.ports import free_port
from services.notify.adapters.directory import Contact, DevUserDirectory, HttpUserDirectory

USERS = {"u_1": {"id": "u_1", "name": "Bea Buyer", "email": "bea@example.test"}, "u_2": {"id": "u_2", "name": "Pia"}}


class AccountService:
    """The marketplace's account service: ``GET /users?ids=a,b`` for a bearer token."""

    def __init__(self) -> None:
        self.asked: list[list[str]] = []
        self.down = False
        self.app = FastAPI()

        @self.app.get("/users")
        async def users(
            ids: Annotated[str, Query()], authorization: Annotated[str, Header()] = ""
        ) -> list[dict[str, Any]]:
            if authorization != "Bearer directory-token":
                raise HTTPException(401)
            if self.down:
                raise HTTPException(503)
            wanted = ids.split(",")
            self.asked.append(wanted)
            return [USERS[user_id] for user_id in wanted if user_id in USERS]


@pytest_asyncio.fixture
async def accounts() -> AsyncIterator[tuple[AccountService, str]]:
    service = AccountService()
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(service.app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    for _ in range(1000):
        if server.started:
            break
        await asyncio.sleep(0.01)
    try:
        yield service, f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@pytest.mark.asyncio
async def test_users_are_asked_for_once_per_batch_and_kept_a_while(accounts: tuple[AccountService, str]) -> None:
    service, url = accounts
    directory = HttpUserDirectory(url, token="directory-token", ttl=60)
    try:
        found = await directory.contacts(["u_1", "u_2", "u_3", "u_1"])
        assert found == {
            "u_1": Contact(user_id="u_1", name="Bea Buyer", email="bea@example.test"),
            "u_2": Contact(user_id="u_2", name="Pia", email=None),
            "u_3": Contact(user_id="u_3", name="u_3", email=None),
        }
        assert service.asked == [["u_1", "u_2", "u_3"]]
        # Known users come from what was kept; only the one never found is asked for again.
        again = await directory.contacts(["u_2", "u_1", "u_3"])
        assert again == {key: found[key] for key in ("u_2", "u_1", "u_3")}
        assert service.asked == [["u_1", "u_2", "u_3"], ["u_3"]]
    finally:
        await directory.close()


@pytest.mark.asyncio
async def test_a_directory_that_cannot_answer_raises(accounts: tuple[AccountService, str]) -> None:
    service, url = accounts
    service.down = True
    directory = HttpUserDirectory(url, token="directory-token", ttl=60)
    try:
        with pytest.raises(httpx.HTTPStatusError):
            await directory.contacts(["u_1"])
    finally:
        await directory.close()
    wrong = HttpUserDirectory(url, token="not-the-token")
    try:
        with pytest.raises(httpx.HTTPStatusError):
            await wrong.contacts(["u_1"])
    finally:
        await wrong.close()


@pytest.mark.asyncio
async def test_the_dev_directory_knows_the_dev_users_and_makes_up_no_address() -> None:
    directory = DevUserDirectory()
    found = await directory.contacts(["u_buyer_1", "u_someone"])
    assert found["u_buyer_1"] == Contact(user_id="u_buyer_1", name="Bea Buyer", email="u_buyer_1@example.test")
    assert found["u_someone"].email is None
