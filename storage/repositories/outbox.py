"""The outbox: messages written now, delivered later by a worker, retried until they arrive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage
from storage.models.base import utcnow


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int
    channel: str
    chat_id: str
    external_user_id: str
    payload: list[Any]
    attempts: int  # including the attempt this claim is for


class Outbox:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self,
        channel: str,
        chat_id: str,
        external_user_id: str,
        payload: list[Any],
        *,
        not_before: datetime | None = None,
    ) -> int:
        row = OutboxMessage(
            channel=channel,
            chat_id=chat_id,
            external_user_id=external_user_id,
            payload=payload,
            next_attempt_at=not_before or utcnow(),
        )
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def claim(
        self, *, limit: int, lease: timedelta, channels: list[str], now: datetime | None = None
    ) -> list[OutboxItem]:
        """Take up to `limit` due messages for `channels` and hold them for `lease`.

        SKIP LOCKED lets several workers claim at once without waiting on each other; moving
        `next_attempt_at` past the lease keeps a claimed message from being sent twice after
        this transaction commits, and frees it again if the worker dies mid-delivery.
        """
        now = now or utcnow()
        statement = (
            select(OutboxMessage)
            .where(
                OutboxMessage.delivered_at.is_(None),
                OutboxMessage.next_attempt_at.is_not(None),
                OutboxMessage.next_attempt_at <= now,
                OutboxMessage.channel.in_(channels),
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = list(await self.session.scalars(statement))
        for row in rows:
            row.attempts += 1
            row.next_attempt_at = now + lease
        await self.session.flush()
        return [
            OutboxItem(r.id, r.channel, r.chat_id, r.external_user_id, list(r.payload), r.attempts)
            for r in rows
        ]

    async def delivered(self, item_id: int, now: datetime | None = None) -> None:
        await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == item_id)
            .values(delivered_at=now or utcnow(), last_error=None)
        )

    async def failed(self, item_id: int, error: str, retry_at: datetime | None) -> None:
        """Record a failed attempt; `retry_at=None` gives up (the error stays for staff)."""
        await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == item_id)
            .values(next_attempt_at=retry_at, last_error=error[:2000])
        )

    async def pending(self) -> int:
        """How many messages still wait for delivery (for /healthz and tests)."""
        count = await self.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.delivered_at.is_(None), OutboxMessage.next_attempt_at.is_not(None))
        )
        return int(count or 0)
