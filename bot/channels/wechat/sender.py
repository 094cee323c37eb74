"""The customer-service message API (message/custom/send): the outbox's sender for WeChat,
which delivers everything that is not a passive answer (late replies included)."""

from __future__ import annotations

import json
from typing import Any

import httpx

from bot.channels.wechat.messages import CHANNEL, render
from bot.channels.wechat.token import REJECTED, AccessToken
from bot.config import Settings
from bot.conversation.types import ConversationKey, Outbound
from bot.coordination.types import Shelf
from bot.outbox.sender import DeliveryError

PATH = "/cgi-bin/message/custom/send"
TIMEOUT = 10.0
# Errors that the same message will meet again, with what staff should read.
PERMANENT = {
    45015: "the user has not written in the last 48 hours, so the account may not message them",
    45047: "the account has sent the most messages allowed since the user last wrote",
    43004: "the user no longer follows the account",
    43019: "the user has blocked the account",
    40003: "this openid is not a follower of this account",
    45002: "the text is too long",
}
# Errors that pass with time: seconds to wait.
LATER = {-1: 5.0, 45011: 60.0, 45009: 3600.0}  # busy, per-minute limit, daily quota


class WeChatSender:
    channel = CHANNEL

    def __init__(
        self,
        settings: Settings,
        *,
        http: httpx.AsyncClient | None = None,
        shelf: Shelf | None = None,
    ) -> None:
        """`shelf` keeps the access token: the server gives it the deployment's
        (`bot.coordination`), so that its processes share one token."""
        self._http = http or httpx.AsyncClient(base_url=settings.wechat_api_base, timeout=TIMEOUT)
        self._own_http = http is None
        self._token = AccessToken(
            self._http,
            settings.wechat_app_id,
            settings.wechat_app_secret.get_secret_value(),
            shelf=shelf,
        )

    async def close(self) -> None:
        if self._own_http:
            await self._http.aclose()

    async def send(self, key: ConversationKey, replies: list[Outbound]) -> None:
        """Each reply as text messages (options as numbered lines), in order."""
        if key.channel != CHANNEL:
            raise DeliveryError(f"{key} is not a WeChat conversation", permanent=True)
        for text in render(replies):
            await self._send_text(key.user_id, text)

    async def _send_text(self, openid: str, text: str) -> None:
        message = {"touser": openid, "msgtype": "text", "text": {"content": text}}
        # Chinese as UTF-8, not \u escapes: some WeChat APIs show escapes literally.
        body = json.dumps(message, ensure_ascii=False).encode("utf-8")
        for attempt in (1, 2):
            token = await self._token.get()
            result = await self._post(body, token)
            code = result.get("errcode", 0)
            if code == 0:
                return
            if code in REJECTED and attempt == 1:
                await self._token.invalidate(token)
                continue
            raise _delivery_error(code, result.get("errmsg"))

    async def _post(self, body: bytes, token: str) -> dict[str, Any]:
        try:
            response = await self._http.post(
                PATH,
                params={"access_token": token},
                content=body,
                headers={"Content-Type": "application/json; charset=utf-8"},
            )
            result = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise DeliveryError(f"WeChat message/custom/send failed: {error!r}") from error
        if not isinstance(result, dict):
            raise DeliveryError(f"WeChat message/custom/send answered {result!r}")
        return result


def _delivery_error(code: object, errmsg: object) -> DeliveryError:
    said = f"WeChat errcode {code} ({errmsg})"
    if isinstance(code, int) and code in PERMANENT:
        return DeliveryError(f"{said}: {PERMANENT[code]}", permanent=True)
    if isinstance(code, int) and code in LATER:
        return DeliveryError(said, retry_after=LATER[code])
    return DeliveryError(said)
