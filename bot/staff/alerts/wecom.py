"""The outbox's sender for WeCom group robots (企业微信群机器人): one text message per alert.

The webhook (whose key lets anyone post to the group) is looked up when sending, from the
settings or stations.yaml, and never written to the outbox, the log or an error: errors name the
station only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx

from bot.config import Settings
from bot.conversation.types import ConversationKey, Outbound
from bot.coordination.types import Slots
from bot.outbox.sender import DeliveryError
from bot.staff.alerts.pace import WECOM_PER_MINUTE, Pace
from bot.staff.alerts.targets import WECOM, wecom_webhook
from policies.loader import KnowledgeBase

log = logging.getLogger(__name__)

TIMEOUT = 10.0
MAX_BYTES = 2048  # a text message's content, in UTF-8 bytes
FREQUENCY = 45009  # "api freq out of limit": the robot's 20 a minute, counted by WeCom
INVALID_WEBHOOK = 93000  # the key is wrong or the robot was removed from the group


class WeComSender:
    channel = WECOM

    def __init__(
        self,
        settings: Settings,
        kb_of: Callable[[], KnowledgeBase],
        *,
        http: httpx.AsyncClient | None = None,
        slots: Slots | None = None,
    ) -> None:
        """`slots` are the deployment's (`bot.coordination`), so that its processes share each
        robot's 20 a minute; else this process's."""
        self._settings = settings
        self._kb_of = kb_of
        self._http = http or httpx.AsyncClient(timeout=TIMEOUT)
        self._own_http = http is None
        self._pace = Pace("wecom:robot", WECOM_PER_MINUTE, slots)

    async def close(self) -> None:
        if self._own_http:
            await self._http.aclose()

    async def send(self, key: ConversationKey, replies: list[Outbound]) -> None:
        station = key.chat_id
        webhook = wecom_webhook(self._kb_of(), self._settings, station)
        if not webhook:
            raise DeliveryError(
                f"station {station!r} has no WeCom robot webhook any more "
                "(stations.yaml or VETBOT_ALERT_WECOM_WEBHOOKS)",
                permanent=True,
            )
        for reply in replies:
            wait = await self._pace.take(station)
            if wait > 0:
                raise DeliveryError(
                    f"station {station!r}: the robot's {WECOM_PER_MINUTE} messages a minute are "
                    "used up",
                    retry_after=wait,
                )
            await self._post(station, self._target(webhook), reply.text)

    def _target(self, webhook: str) -> str:
        """The webhook on the configured server (WeCom's own, or a test fake)."""
        parts = urlsplit(webhook)
        return f"{self._settings.wecom_api_base.rstrip('/')}{parts.path}?{parts.query}"

    async def _post(self, station: str, url: str, text: str) -> None:
        body = {"msgtype": "text", "text": {"content": _fit(text)}}
        try:
            response = await self._http.post(url, json=body)
        except httpx.HTTPError as error:  # its message may hold the URL: name the kind only
            raise DeliveryError(
                f"station {station!r}: the WeCom robot could not be reached "
                f"({type(error).__name__})"
            ) from None
        answer: dict[str, Any] = {}
        if response.headers.get("content-type", "").startswith("application/json"):
            answer = response.json()
        code = answer.get("errcode")
        if response.status_code == 200 and code == 0:
            return
        message = answer.get("errmsg", response.reason_phrase)
        problem = (
            f"station {station!r}: the WeCom robot answered {response.status_code} {code} {message}"
        )
        if code == FREQUENCY:
            raise DeliveryError(problem, retry_after=60.0)
        raise DeliveryError(problem, permanent=code == INVALID_WEBHOOK)


def _fit(text: str) -> str:
    """`text` cut to WeCom's 2048 bytes, on a character boundary."""
    data = text.encode("utf-8")
    if len(data) <= MAX_BYTES:
        return text
    return data[: MAX_BYTES - 3].decode("utf-8", errors="ignore") + "…"
