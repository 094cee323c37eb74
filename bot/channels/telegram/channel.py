"""Telegram for the server in one object: webhook or long polling as configured, and the sender.

The app factory does, when VETBOT_TELEGRAM_TOKEN is set (import this module only then: it
needs the `telegram` extra):

    telegram = TelegramChannel(engine, settings)
    app.include_router(telegram.router)      # POST /webhooks/telegram (answers 404 when polling)
    await telegram.start()                   # in the lifespan: setWebhook, or start polling
    outbox_senders[telegram.sender.channel] = telegram.sender
    await telegram.stop()                    # at shutdown
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from fastapi import APIRouter

from bot.channels.telegram.client import TelegramClient, TelegramSender
from bot.channels.telegram.polling import TelegramPoller
from bot.channels.telegram.webhook import make_telegram_router, register_webhook
from bot.config import Settings
from bot.conversation.types import PushHandler

log = logging.getLogger(__name__)


class TelegramChannel:
    """One `TelegramClient` shared by the webhook or the poller and the outbox's sender, so all
    sends count against the same rate limits."""

    def __init__(
        self, handler: PushHandler, settings: Settings, *, client: TelegramClient | None = None
    ) -> None:
        self.settings = settings
        self.client = client if client is not None else TelegramClient.from_settings(settings)
        self.sender = TelegramSender(self.client)
        self.webhook = bool(settings.telegram_webhook_url)
        self.router = (
            make_telegram_router(handler, settings, client=self.client)
            if self.webhook
            else APIRouter()
        )
        self._poller = TelegramPoller(self.client, handler)
        self._polling: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self.webhook:
            await register_webhook(self.client, self.settings)
            log.info("Telegram: webhook registered at %s", self.settings.telegram_webhook_url)
        else:
            self._polling = asyncio.create_task(self._poller.run(), name="telegram-polling")
            self._polling.add_done_callback(_report_end)
            log.info("Telegram: long polling started")

    async def stop(self) -> None:
        if self._polling is not None:
            self._polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._polling
            self._polling = None
        await self.client.close()


def _report_end(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and (error := task.exception()) is not None:
        log.error("Telegram long polling stopped", exc_info=error)
