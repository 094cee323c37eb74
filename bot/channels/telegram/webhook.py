"""Telegram webhook mode: POST /webhooks/telegram, and registering that URL with Telegram."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, FastAPI, Header, Request, Response
from pydantic import ValidationError

from bot.channels.telegram.client import TelegramClient
from bot.channels.telegram.updates import ALLOWED_UPDATES, describe
from bot.config import Settings
from bot.conversation.types import PushHandler
from bot.errors import TryAgainLater

log = logging.getLogger(__name__)

PATH = "/webhooks/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_secret(settings: Settings) -> str:
    secret = settings.telegram_webhook_secret.get_secret_value()
    if not secret:
        raise ValueError(
            "VETBOT_TELEGRAM_WEBHOOK_SECRET is not set: webhook mode needs it so that only "
            "Telegram can post updates (1-256 characters of A-Z, a-z, 0-9, _ and -)."
        )
    return secret


def make_telegram_router(
    handler: PushHandler, settings: Settings, *, client: TelegramClient | None = None
) -> APIRouter:
    """The webhook endpoint. Pass the process's shared `client` when there is one; without it
    the router makes its own and closes it when the app shuts down.

    Answers 403 unless the secret header matches (compared in constant time), 400 for a body
    that is not an update, 503 while the engine cannot reach its database and 500 when the
    turn or the sending failed, so that Telegram delivers the update again, and 200 once the
    replies are out."""
    secret = webhook_secret(settings).encode()
    own_client = client is None
    bot_client = client if client is not None else TelegramClient.from_settings(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if own_client:
                await bot_client.close()

    router = APIRouter(lifespan=lifespan)

    @router.post(PATH, include_in_schema=False)
    async def telegram_webhook(
        request: Request,
        secret_token: Annotated[str, Header(alias=SECRET_HEADER)] = "",
    ) -> Response:
        if not hmac.compare_digest(secret_token.encode(), secret):
            return Response(status_code=403)
        try:
            update = bot_client.parse_update(json.loads(await request.body()))
        # JSONDecodeError is a ValueError; JSON nested past the recursion limit is no update
        # either (the server's BodyLimit refuses it first), and a 500 would be redelivered.
        except (ValueError, ValidationError, RecursionError):
            log.warning("Telegram webhook: the body is not an update")
            return Response(status_code=400)
        try:
            await bot_client.answer_update(update, handler)
        except TryAgainLater as error:  # the database is away: Telegram redelivers later
            log.warning("Telegram update %s waits: %s", update.update_id, error)
            return Response(status_code=503)
        except Exception:  # the boundary of one inbound update: log it, let Telegram retry
            log.exception("Telegram update %s (%s) failed", update.update_id, describe(update))
            return Response(status_code=500)
        return Response(status_code=200)

    return router


async def register_webhook(client: TelegramClient, settings: Settings) -> None:
    """Tell Telegram where to post updates (VETBOT_TELEGRAM_WEBHOOK_URL) and with which secret.
    Pending updates are kept: they are answered once the webhook is up."""
    await client.bot.set_webhook(
        url=settings.telegram_webhook_url,
        secret_token=webhook_secret(settings),
        allowed_updates=list(ALLOWED_UPDATES),
        drop_pending_updates=False,
    )
