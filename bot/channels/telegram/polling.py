"""Telegram long polling: getUpdates in a loop, an update acknowledged only once answered."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from bot.channels.telegram.client import TelegramClient
from bot.channels.telegram.updates import (
    ALLOWED_UPDATES,
    AiogramError,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
    Update,
    describe,
)
from bot.conversation.types import PushHandler
from bot.errors import TryAgainLater

log = logging.getLogger(__name__)

POLL_TIMEOUT = 25  # seconds Telegram holds a getUpdates open when there is nothing new
MAX_ATTEMPTS = 5  # an update that fails this often is logged and skipped, not retried forever
RETRY_DELAY = 2.0


class TelegramPoller:
    """Fetches updates and answers them in order, one at a time.

    Telegram forgets an update only when a later getUpdates asks for an offset past it, so the
    offset moves past an update only after `TelegramClient.answer_update` returned, i.e. after
    the engine committed the turn and the replies went out. If the process dies in between, the
    update comes again and the engine's dedupe answers it from the stored replies. A failing
    update is retried on the next poll, and after `max_attempts` skipped with an error in the
    log, so that one poisonous update cannot stop the bot."""

    def __init__(
        self,
        client: TelegramClient,
        handler: PushHandler,
        *,
        poll_timeout: int = POLL_TIMEOUT,
        max_attempts: int = MAX_ATTEMPTS,
        retry_delay: float = RETRY_DELAY,
    ) -> None:
        self._client = client
        self._handler = handler
        self._poll_timeout = poll_timeout
        self._max_attempts = max_attempts
        self._retry_delay = retry_delay
        self._attempts: dict[int, int] = {}
        self.offset: int | None = None  # the first update id not yet acknowledged

    async def run(self) -> None:
        """Poll until cancelled. Removes a webhook first: Telegram refuses getUpdates while one
        is set."""
        await self._client.bot.delete_webhook(drop_pending_updates=False)
        while True:
            if not await self.poll_once():
                await asyncio.sleep(self._retry_delay)

    async def poll_once(self) -> bool:
        """One getUpdates and the updates it returned. False when something failed and the
        caller should pause before polling again."""
        try:
            updates = await self._client.bot.get_updates(
                offset=self.offset,
                timeout=self._poll_timeout,
                allowed_updates=list(ALLOWED_UPDATES),
            )
        except TelegramRetryAfter as error:
            log.warning("getUpdates: Telegram asks to wait %ss", error.retry_after)
            await asyncio.sleep(error.retry_after)
            return True
        except TelegramUnauthorizedError:
            raise  # a wrong token: polling again cannot help
        except AiogramError as error:  # network, server, another poller (409): try again soon
            log.warning("getUpdates failed, polling again shortly: %s", error)
            return False
        return await self.answer(updates)

    async def answer(self, updates: Sequence[Update]) -> bool:
        """Answer updates in order, advancing the offset past each one answered. Stops at the
        first failure, leaving it and those after it for the next poll."""
        for update in sorted(updates, key=lambda update: update.update_id):
            if self.offset is not None and update.update_id < self.offset:
                continue  # already answered; Telegram has not seen the new offset yet
            try:
                await self._client.answer_update(update, self._handler)
            except TryAgainLater as error:
                # The engine could not reach the database: nothing is wrong with the update,
                # so it is retried for as long as that lasts and never counted as failing.
                log.warning("Telegram update %s waits: %s", update.update_id, error)
                return False
            except Exception:  # the boundary of one inbound update: log it, retry it
                attempts = self._attempts.get(update.update_id, 0) + 1
                self._attempts[update.update_id] = attempts
                if attempts < self._max_attempts:
                    log.exception(
                        "Telegram update %s (%s) failed, attempt %s of %s; will retry",
                        update.update_id,
                        describe(update),
                        attempts,
                        self._max_attempts,
                    )
                    return False
                log.exception(
                    "Telegram update %s (%s) failed %s times; skipping it",
                    update.update_id,
                    describe(update),
                    attempts,
                )
            self._attempts.pop(update.update_id, None)
            self.offset = update.update_id + 1
        return True
