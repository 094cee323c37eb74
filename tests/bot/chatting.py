"""Test helpers for talking to an engine: a user with fresh message ids, and reply accessors."""

from __future__ import annotations

import itertools

from bot.conversation.engine import Engine
from bot.conversation.types import ConversationKey, Inbound, Outbound
from storage.repositories.conversations import Conversations, ConversationState
from storage.repositories.messages import Logged, MessageLog

TEST_DATA_KEY = "tests-only data key, not for any real data"
_ids = itertools.count(1)


class Chat:
    """One user talking to an engine."""

    def __init__(self, engine: Engine, user: str = "veteran", channel: str = "test") -> None:
        self.engine = engine
        self.key = ConversationKey(channel, user, user)

    def inbound(self, text: str | None = None, payload: str | None = None) -> Inbound:
        return Inbound(self.key, f"m{next(_ids)}", text=text, payload=payload)

    async def say(self, text: str) -> Outbound:
        """Send `text` and return the one reply (this engine answers every message with one)."""
        replies = await self.engine.handle(self.inbound(text=text))
        assert len(replies) == 1, replies
        return replies[0]

    async def pick(self, payload: str) -> Outbound:
        replies = await self.engine.handle(self.inbound(payload=payload))
        assert len(replies) == 1, replies
        return replies[0]

    async def state(self) -> ConversationState:
        async with self.engine.database.transaction() as session:
            return await Conversations(session).open(*self._parts())

    async def log(self) -> list[Logged]:
        async with self.engine.database.transaction() as session:
            conversation = await Conversations(session).find(*self._parts())
            return [] if conversation is None else await MessageLog(session).recent(conversation)

    def _parts(self) -> tuple[str, str, str]:
        return self.key.channel, self.key.chat_id, self.key.user_id


def payloads(reply: Outbound) -> list[str]:
    return [option.payload for option in reply.options]


def labels(reply: Outbound) -> list[str]:
    return [option.label for option in reply.options]
