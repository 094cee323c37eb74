"""A fake Telegram Bot API server on 127.0.0.1, for the real aiogram client to talk to.

It keeps what a test needs to look at (messages sent, callback answers, edits, the webhook) and
can be told to fail a method with Telegram's error envelope (429 with retry_after, 500, 403)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.loopback import Loopback

TOKEN = "123456:TEST-fake-token"
BOT_ID = 123456
# Fields aiogram sends JSON-encoded inside the form.
_JSON_FIELDS = {"reply_markup", "allowed_updates", "link_preview_options", "entities"}


@dataclass
class Failure:
    status: int
    description: str
    retry_after: int | None = None


@dataclass
class FakeTelegram:
    token: str = TOKEN
    updates: list[dict[str, Any]] = field(default_factory=list)  # not yet confirmed by an offset
    sent: list[dict[str, Any]] = field(default_factory=list)  # sendMessage calls, in order
    bot_messages: list[dict[str, Any]] = field(default_factory=list)  # what those returned
    sent_at: list[float] = field(default_factory=list)  # when each was accepted (monotonic)
    answered: list[str] = field(default_factory=list)  # callback query ids
    edits: list[dict[str, Any]] = field(default_factory=list)
    webhook: dict[str, Any] | None = None
    calls: list[str] = field(default_factory=list)  # every method called, in order
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    base_url: str = ""

    def __post_init__(self) -> None:
        self._update_ids = itertools.count(5000)
        self._message_ids = itertools.count(1)
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._arrived = asyncio.Event()
        self._loopback = Loopback()

    # --- running -----------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._dispatch)
        self.base_url = await self._loopback.serve(app)

    async def stop(self) -> None:
        await self._loopback.stop()

    # --- what users do -----------------------------------------------------------------------

    def push(self, body: dict[str, Any], *, update_id: int | None = None) -> dict[str, Any]:
        """Queue an update (a redelivery when `update_id` repeats an earlier one)."""
        update = {"update_id": update_id if update_id is not None else next(self._update_ids)}
        update.update(body)
        self.updates.append(update)
        self._arrived.set()
        return update

    def user_message(self, user_id: int, **content: Any) -> dict[str, Any]:
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": "老兵"},
            "from": {"id": user_id, "is_bot": False, "first_name": "老兵"},
        }
        message.update(content)
        return self.push({"message": message})

    def press(self, user_id: int, menu: dict[str, Any], data: str) -> dict[str, Any]:
        """The user presses the button with `data` under the bot's message `menu`."""
        return self.push(
            {
                "callback_query": {
                    "id": f"q{next(self._message_ids)}",
                    "from": {"id": user_id, "is_bot": False, "first_name": "老兵"},
                    "chat_instance": "ci-1",
                    "message": menu,
                    "data": data,
                }
            }
        )

    def fail(
        self, method: str, status: int, *, retry_after: int | None = None, times: int = 1
    ) -> None:
        description = {
            429: f"Too Many Requests: retry after {retry_after}",
            403: "Forbidden: bot was blocked by the user",
            500: "Internal Server Error",
        }.get(status, "Bad Request")
        self.failures.setdefault(method, []).extend(
            Failure(status, description, retry_after) for _ in range(times)
        )

    # --- the Bot API ---------------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        self.calls.append(method)
        form = await request.post()
        params: dict[str, Any] = {}
        for name, value in form.items():
            text = str(value)
            params[name] = json.loads(text) if name in _JSON_FIELDS else text
        queued = self.failures.get(method)
        if queued:
            failure = queued.pop(0)
            return _error(failure.status, failure.description, failure.retry_after)
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            return _error(404, "Not Found: method not found")
        result = await handler(params)
        if isinstance(result, web.Response):
            return result
        return web.json_response({"ok": True, "result": result})

    async def _getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "vetbot", "username": "vetbot_bot"}

    async def _getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]] | web.Response:
        if self.webhook is not None:
            return _error(409, "Conflict: can't use getUpdates method while webhook is active")
        if "offset" in params:
            offset = int(params["offset"])
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        timeout = float(params.get("timeout", 0))
        if not self.updates and timeout > 0:
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):  # a long poll that saw nothing new
                await asyncio.wait_for(self._arrived.wait(), timeout)
        limit = int(params.get("limit", 100))
        return sorted(self.updates, key=lambda u: u["update_id"])[:limit]

    async def _sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "老兵"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "vetbot"},
            "text": params["text"],
        }
        markup = params.get("reply_markup")
        if markup and "inline_keyboard" in markup:  # Telegram echoes inline keyboards only
            message["reply_markup"] = markup
        self._messages[(chat_id, message["message_id"])] = message
        self.sent.append(params)
        self.bot_messages.append(message)
        self.sent_at.append(time.monotonic())
        return message

    async def _answerCallbackQuery(self, params: dict[str, Any]) -> bool | web.Response:
        query_id = params["callback_query_id"]
        if query_id in self.answered:
            return _error(400, "Bad Request: query is too old and response timeout expired")
        self.answered.append(query_id)
        return True

    async def _editMessageText(self, params: dict[str, Any]) -> dict[str, Any] | web.Response:
        key = (int(params["chat_id"]), int(params["message_id"]))
        message = self._messages.get(key)
        if message is None:
            return _error(400, "Bad Request: message to edit not found")
        if message["text"] == params["text"] and "reply_markup" not in message:
            return _error(400, "Bad Request: message is not modified")
        message["text"] = params["text"]
        message.pop("reply_markup", None)
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        self.edits.append(params)
        return message

    async def _setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = params
        return True

    async def _deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        return True


def _error(status: int, description: str, retry_after: int | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)
