"""Test helpers for the staff console over HTTP: a server with a controllable clock, staff
accounts in its database, and a logged-in member's client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from bot.config import Settings
from bot.web.app import create_app
from storage.database import Database
from tests.bot.staff.staffing import MONDAY_10, PASSWORD, Clock, add_staff
from tests.bot.web.servers import ServerProcess, serving

__all__ = ["MONDAY_10", "PASSWORD", "Clock", "Member", "add_staff", "console_server"]


@asynccontextmanager
async def console_server(settings: Settings, clock: Clock) -> AsyncIterator[tuple[str, Database]]:
    """The app served on loopback, and a second handle on its database for the test."""
    async with serving(create_app(settings, clock=clock)) as url:
        database = Database(settings.database_url)
        try:
            yield url, database
        finally:
            await database.dispose()


class Member:
    """A staff member's browser session: the cookie jar and the CSRF token."""

    def __init__(self, client: httpx.AsyncClient, csrf: str) -> None:
        self.client, self.csrf = client, csrf

    @classmethod
    async def login(cls, url: str, username: str) -> Member:
        client = httpx.AsyncClient(base_url=url)
        response = await client.post(
            "/api/staff/login", json={"username": username, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        return cls(client, response.json()["csrf"])

    async def get(self, path: str) -> httpx.Response:
        return await self.client.get(path)

    async def post(self, path: str, body: object | None = None) -> httpx.Response:
        return await self.client.post(path, json=body or {}, headers={"X-CSRF-Token": self.csrf})

    async def close(self) -> None:
        await self.client.aclose()


def with_staff(
    server: ServerProcess, username: str, station: str, role: str = "staff"
) -> ServerProcess:
    """`server` with a staff account added to its database from outside, as `vetbot staff add`
    would (call it before the `browser` fixture: it runs an event loop of its own)."""

    async def add() -> None:
        database = Database(server.env["VETBOT_DATABASE_URL"])
        try:
            await add_staff(database, username, station, role)
        finally:
            await database.dispose()

    asyncio.run(add())
    return server
