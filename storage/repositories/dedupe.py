"""Dedupe keys: which inbound messages were handled, and the replies they got."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import DedupeKey


class DedupeKeys:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def replies_for(self, conversation_id: int, message_id: str) -> list[Any] | None:
        """The stored replies when this message was handled before, else None."""
        row = await self.session.get(DedupeKey, (conversation_id, message_id))
        return None if row is None else list(row.replies)

    async def remember(self, conversation_id: int, message_id: str, replies: list[Any]) -> None:
        self.session.add(
            DedupeKey(conversation_id=conversation_id, message_id=message_id, replies=replies)
        )
        await self.session.flush()

    async def prune(self, before: datetime) -> int:
        """Forget keys older than `before` (platforms stop redelivering within a day)."""
        result = await self.session.execute(delete(DedupeKey).where(DedupeKey.created_at < before))
        return int(getattr(result, "rowcount", 0) or 0)
