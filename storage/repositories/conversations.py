"""Conversation state: open one (locked for this transaction), change it, save it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Conversation
from storage.models.base import utcnow
from storage.repositories.upsert import insert_ignoring_conflict
from storage.repositories.users import Users


@dataclass
class ConversationState:
    """Where one conversation stands. Plain data: the engine changes it, `save` writes it."""

    id: int
    user_id: int
    flow: str | None = None
    step: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    options: list[tuple[str, str]] = field(default_factory=list)  # (label, payload) last offered
    language: str = "zh"
    station_id: str | None = None
    fallbacks: int = 0  # "not sure" replies in a row

    def leave_flow(self) -> None:
        self.flow, self.step, self.values = None, None, {}


class Conversations:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        # The session's identity map holds rows weakly; keeping them here spares `save` a SELECT.
        self._rows: dict[int, Conversation] = {}

    async def open(self, channel: str, chat_id: str, external_user_id: str) -> ConversationState:
        """The state for this key, created on first contact, row-locked until the transaction ends.

        The row lock (FOR UPDATE on PostgreSQL; the whole-database write lock on SQLite) is what
        keeps two server processes from handling the same conversation at once.
        """
        row = await self._locked(channel, chat_id, external_user_id)
        if row is None:
            user_id = await Users(self.session).identify(channel, external_user_id)
            await insert_ignoring_conflict(
                self.session,
                Conversation,
                {
                    "channel": channel,
                    "chat_id": chat_id,
                    "external_user_id": external_user_id,
                    "user_id": user_id,
                    "values": {},
                    "options": [],
                },
                ["channel", "chat_id", "external_user_id"],
            )
            row = await self._locked(channel, chat_id, external_user_id)
            assert row is not None, "conversation vanished right after it was inserted"
        self._rows[row.id] = row
        return ConversationState(
            id=row.id,
            user_id=row.user_id,
            flow=row.flow,
            step=row.step,
            values=dict(row.values or {}),
            options=[(str(o[0]), str(o[1])) for o in row.options or []],
            language=row.language,
            station_id=row.station_id,
            fallbacks=row.fallbacks,
        )

    async def find(self, channel: str, chat_id: str, external_user_id: str) -> int | None:
        """The id of this key's conversation, without creating or locking it."""
        return await self.session.scalar(
            select(Conversation.id).where(
                Conversation.channel == channel,
                Conversation.chat_id == chat_id,
                Conversation.external_user_id == external_user_id,
            )
        )

    async def user_of(self, conversation_id: int) -> int | None:
        """The user a conversation belongs to now (merges move conversations between users)."""
        return await self.session.scalar(
            select(Conversation.user_id).where(Conversation.id == conversation_id)
        )

    async def offer(self, conversation_id: int, options: list[tuple[str, str]]) -> None:
        """Set the options a typed digit picks from, outside the conversation's own turn (a
        notice that asks a question). The UPDATE waits for a turn holding the row, then wins."""
        await self.session.execute(
            update(Conversation)
            .where(Conversation.id == conversation_id)
            .values(options=[list(option) for option in options], updated_at=utcnow())
        )

    async def save(self, state: ConversationState) -> None:
        row = self._rows.get(state.id) or await self.session.get(Conversation, state.id)
        if row is None:
            raise LookupError(f"conversation {state.id} does not exist")
        row.flow, row.step = state.flow, state.step
        row.values = dict(state.values)
        row.options = [list(option) for option in state.options]
        row.language = state.language
        row.station_id = state.station_id
        row.fallbacks = state.fallbacks
        row.updated_at = utcnow()
        await self.session.flush()

    async def _locked(
        self, channel: str, chat_id: str, external_user_id: str
    ) -> Conversation | None:
        statement = (
            select(Conversation)
            .where(
                Conversation.channel == channel,
                Conversation.chat_id == chat_id,
                Conversation.external_user_id == external_user_id,
            )
            .with_for_update()  # SQLite ignores it; BEGIN IMMEDIATE already serialises writers
            .execution_options(populate_existing=True)
        )
        return await self.session.scalar(statement)
