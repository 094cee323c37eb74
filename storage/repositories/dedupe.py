"""Dedupe keys: which inbound messages were handled, the replies they got, and whether those
replies reached the platform."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Conversation, DedupeKey
from storage.models.base import utcnow


@dataclass(frozen=True, slots=True)
class Handled:
    """A message handled before: its replies, and whether they were delivered."""

    replies: list[Any]
    delivered: bool


class DedupeKeys:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def replies_for(self, conversation_id: int, message_id: str) -> list[Any] | None:
        """The stored replies when this message was handled before, else None."""
        handled = await self.handled(conversation_id, message_id)
        return None if handled is None else handled.replies

    async def handled(self, conversation_id: int, message_id: str) -> Handled | None:
        """What became of this message the first time, or None when it is new."""
        row = await self.session.get(DedupeKey, (conversation_id, message_id))
        return None if row is None else Handled(list(row.replies), row.delivered_at is not None)

    async def remember(self, conversation_id: int, message_id: str, replies: list[Any]) -> None:
        self.session.add(
            DedupeKey(conversation_id=conversation_id, message_id=message_id, replies=replies)
        )
        await self.session.flush()

    async def delivered(
        self, channel: str, chat_id: str, user_id: str, message_id: str, now: datetime | None = None
    ) -> bool:
        """Record that the replies to `message_id` in that conversation reached the platform;
        False when no such message was remembered (a refused one is not)."""
        conversation = (
            select(Conversation.id)
            .where(
                Conversation.channel == channel,
                Conversation.chat_id == chat_id,
                Conversation.external_user_id == user_id,
            )
            .scalar_subquery()
        )
        result = await self.session.execute(
            update(DedupeKey)
            .where(DedupeKey.conversation_id == conversation, DedupeKey.message_id == message_id)
            .values(delivered_at=now or utcnow())
        )
        return bool(getattr(result, "rowcount", 0))

    async def prune(self, before: datetime) -> int:
        """Forget keys older than `before` (platforms stop redelivering within a day)."""
        result = await self.session.execute(delete(DedupeKey).where(DedupeKey.created_at < before))
        return int(getattr(result, "rowcount", 0) or 0)
