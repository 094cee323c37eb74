"""A fake WeCom group robot server on 127.0.0.1 (POST /cgi-bin/webhook/send?key=…), for the real
sender to post to. It keeps every message by robot key and can be told to answer with WeCom's
error codes (93000: the webhook is invalid; 45009: over the robot's 20 a minute)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.loopback import Loopback

KEY = "0a1b2c3d-robot-key-for-tests"
OTHER_KEY = "9f8e7d6c-other-robot-for-tests"


def webhook(key: str = KEY) -> str:
    """The webhook as the group's robot settings show it (pointed at the fake by the settings'
    `wecom_api_base`)."""
    return f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={key}"


@dataclass
class FakeWeComRobots:
    posts: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (key, body) accepted
    errors: dict[str, int] = field(default_factory=dict)  # key -> errcode answered for every post
    base_url: str = ""

    def __post_init__(self) -> None:
        self._loopback = Loopback()

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/cgi-bin/webhook/send", self._send)
        self.base_url = await self._loopback.serve(app)

    async def stop(self) -> None:
        await self._loopback.stop()

    def texts(self, key: str = KEY) -> list[str]:
        return [body["text"]["content"] for k, body in self.posts if k == key]

    async def _send(self, request: web.Request) -> web.Response:
        key = request.query.get("key", "")
        body = await request.json()
        if key not in (KEY, OTHER_KEY):
            return web.json_response({"errcode": 93000, "errmsg": "invalid webhook url"})
        if key in self.errors:
            return web.json_response({"errcode": self.errors[key], "errmsg": "refused by the fake"})
        if body.get("msgtype") != "text" or not isinstance(
            body.get("text", {}).get("content"), str
        ):
            return web.json_response({"errcode": 40008, "errmsg": "invalid message type"})
        if len(body["text"]["content"].encode("utf-8")) > 2048:
            return web.json_response({"errcode": 40058, "errmsg": "content exceed max length"})
        self.posts.append((key, body))
        return web.json_response({"errcode": 0, "errmsg": "ok"})
