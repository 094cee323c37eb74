"""Dedupe keys: which inbound messages were handled, the replies they got, and whether those
replies reached the platform."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Conversation, DedupeKey
from storage.models.base import utcnow
from storage.repositories import core

_TABLE = core.table(DedupeKey)
_D = _TABLE.c
_REMEMBER = insert(_TABLE)
_HANDLED = select(_D.replies, _D.delivered_at).where(
    _D.conversation_id == bindparam("conversation"), _D.message_id == bindparam("message_id")
)


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
        params = {"conversation": conversation_id, "message_id": message_id}
        row = await core.first(self.session, _HANDLED, params)
        return None if row is None else Handled(list(row[0]), row[1] is not None)

    async def remember(self, conversation_id: int, message_id: str, replies: list[Any]) -> None:
        await self.session.run_sync(
            lambda s: remember(s.connection(), conversation_id, message_id, replies)
        )

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


def remember(
    connection: Connection, conversation_id: int, message_id: str, replies: list[Any]
) -> None:
    """Record that `message_id` was handled and got `replies` (a second time raises: the
    primary key is the conversation and the message id)."""
    core.execute(connection, _REMEMBER, row(conversation_id, message_id, replies))


def row(conversation_id: int, message_id: str, replies: list[Any]) -> dict[str, Any]:
    """The dedupe key of a message just handled, its values named after the columns."""
    return {
        "conversation_id": conversation_id,
        "message_id": message_id,
        "replies": replies,
        "created_at": utcnow(),
        "delivered_at": None,
    }
