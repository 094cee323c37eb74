"""A fake WeChat API server on 127.0.0.1: stable_token and the customer-service message API."""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from pydantic import SecretStr

from tests.loopback import Loopback

APP_ID = "wx2c2769f8efd9abc2"
APP_SECRET = "fake-app-secret"


@dataclass
class FakeWeChat:
    token_requests: list[dict[str, Any]] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)  # messages accepted
    raw_bodies: list[bytes] = field(default_factory=list)
    send_errors: list[int] = field(default_factory=list)  # errcodes for the next sends
    valid_tokens: set[str] = field(default_factory=set)
    base_url: str = ""

    def __post_init__(self) -> None:
        self._serial = itertools.count(1)
        self._current: str | None = None
        self._loopback = Loopback()

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/cgi-bin/stable_token", self._stable_token)
        app.router.add_post("/cgi-bin/message/custom/send", self._send)
        self.base_url = await self._loopback.serve(app)

    async def stop(self) -> None:
        await self._loopback.stop()

    def account(self) -> dict[str, Any]:
        """The settings of an Official Account that this server is the API of."""
        return {
            "wechat_app_id": APP_ID,
            "wechat_app_secret": SecretStr(APP_SECRET),
            "wechat_api_base": self.base_url,
        }

    def expire_tokens(self) -> None:
        """Every token stops working, but stable_token keeps handing out the current one
        until asked to force a refresh."""
        self.valid_tokens.clear()

    async def _stable_token(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.token_requests.append(body)
        if body.get("appid") != APP_ID or body.get("secret") != APP_SECRET:
            return web.json_response({"errcode": 40125, "errmsg": "invalid appsecret"})
        if self._current is None or body.get("force_refresh"):
            self._current = f"token-{next(self._serial)}"
            self.valid_tokens.add(self._current)
        return web.json_response({"access_token": self._current, "expires_in": 7200})

    async def _send(self, request: web.Request) -> web.Response:
        raw = await request.read()
        self.raw_bodies.append(raw)
        if request.query.get("access_token") not in self.valid_tokens:
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        if self.send_errors:
            code = self.send_errors.pop(0)
            return web.json_response({"errcode": code, "errmsg": f"error {code}"})
        message = json.loads(raw)
        if len(message["text"]["content"].encode()) > 2048:
            return web.json_response({"errcode": 45002, "errmsg": "content size out of limit"})
        self.sent.append(message)
        return web.json_response({"errcode": 0, "errmsg": "ok"})


@pytest.fixture
async def fake_wechat() -> AsyncIterator[FakeWeChat]:
    """A fake WeChat API server running for the test."""
    fake = FakeWeChat()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()
