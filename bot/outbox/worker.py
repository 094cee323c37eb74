"""Delivering the outbox: claim due messages, send each through its channel's `Sender`, retry.

Anything sent outside a turn (staff replies, reminders, late WeChat replies) is written to the
outbox in the transaction that caused it and delivered from here, so a platform outage or a
restart loses nothing. One delivery is a boundary: whatever goes wrong is logged with the
conversation key and retried, never swallowed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.background import every
from bot.conversation.replies import decode_replies
from bot.conversation.types import ConversationKey, Outbound
from bot.outbox.notify import queue
from bot.outbox.sender import DeliveryError, Sender
from bot.privacy.pseudonyms import pseudonym
from storage.database import Database
from storage.models.base import utcnow
from storage.repositories.outbox import Outbox, OutboxItem

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
LEASE = timedelta(minutes=2)  # a claimed message is due again if its worker died

# What `OutboxWorker.enqueue` is to those handed it: WeChat's router, for its late replies.
Enqueue = Callable[[ConversationKey, list[Outbound]], Awaitable[None]]


def backoff(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s … capped at an hour."""
    return timedelta(seconds=min(5 * 2 ** (attempts - 1), 3600))


class OutboxWorker:
    def __init__(self, database: Database, senders: dict[str, Sender], *, batch: int = 20) -> None:
        self.database = database
        self.senders = senders
        self.batch = batch
        # Sent, but not yet recorded as delivered (the database was away just then): recorded
        # before anything is claimed again, so the lease running out does not send it twice.
        self._sent: set[int] = set()

    async def enqueue(self, key: ConversationKey, replies: list[Outbound]) -> None:
        """Queue `replies` for `key` in a transaction of its own (WeChat's late replies)."""
        async with self.database.transaction() as session:
            await queue(session, key, replies)

    async def deliver_due(self) -> int:
        """Send every due message once; the number attempted."""
        if not self.senders:
            return 0
        await self._record_sent()
        async with self.database.transaction() as session:
            items = await Outbox(session).claim(
                limit=self.batch, lease=LEASE, channels=sorted(self.senders)
            )
        for item in items:
            await self._deliver(item)
        return len(items)

    async def _deliver(self, item: OutboxItem) -> None:
        key = ConversationKey(item.channel, item.chat_id, item.external_user_id)
        retry_at = None
        try:
            await self.senders[item.channel].send(key, decode_replies(item.payload))
        except DeliveryError as exc:
            error = str(exc)
            if not exc.permanent and item.attempts < MAX_ATTEMPTS:
                wait = timedelta(seconds=exc.retry_after) if exc.retry_after else None
                retry_at = utcnow() + (wait or backoff(item.attempts))
        except Exception as exc:  # the delivery boundary: log it, keep the message, retry
            log.exception(
                "outbox delivery failed", extra={"key": pseudonym(key), "outbox_id": item.id}
            )
            error = f"{type(exc).__name__}: {exc}"
            if item.attempts < MAX_ATTEMPTS:
                retry_at = utcnow() + backoff(item.attempts)
        else:
            self._sent.add(item.id)
            await self._record_sent()
            return
        if retry_at is None:
            log.error("outbox message given up", extra={"key": pseudonym(key), "error": error})
        else:
            log.warning(
                "outbox delivery will be retried", extra={"key": pseudonym(key), "error": error}
            )
        async with self.database.transaction() as session:
            await Outbox(session).failed(item.id, error, retry_at)

    async def _record_sent(self) -> None:
        """Record what was sent as delivered; raises `StorageUnavailable`, keeping it for the
        next round, while the database is away."""
        if not self._sent:
            return
        async with self.database.transaction() as session:
            outbox = Outbox(session)
            for item_id in sorted(self._sent):
                await outbox.delivered(item_id)
        self._sent.clear()

    async def run(self, stop: asyncio.Event, idle: float = 1.0) -> None:
        """Deliver until `stop` is set, polling every `idle` seconds when nothing is due."""

        async def round_() -> bool:
            return await self.deliver_due() > 0

        await every(idle, round_, stop, skipped="outbox delivery")
