"""The message log: every message in and out of a conversation, in order."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import LoggedMessage
from storage.models.conversations import DIRECTIONS, Direction
from storage.repositories import core


@dataclass(frozen=True, slots=True)
class Logged:
    direction: Direction
    text: str
    created_at: datetime
    payload: str | None = None
    options: list[tuple[str, str]] = field(default_factory=list)
    outcome: str | None = None
    entry_id: str | None = None  # the knowledge-base entry a question was answered with


_ADD = insert(core.table(LoggedMessage))


class MessageLog:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self,
        conversation_id: int,
        direction: Direction,
        text: str,
        *,
        payload: str | None = None,
        options: list[tuple[str, str]] | None = None,
        outcome: str | None = None,
    ) -> None:
        _check(direction)
        self.session.add(
            LoggedMessage(
                conversation_id=conversation_id,
                direction=direction,
                text=text,
                payload=payload,
                options=[list(option) for option in options or []],
                outcome=outcome,
            )
        )

    async def add_all(self, conversation_id: int, messages: list[Logged]) -> None:
        """Log several messages in one statement (a turn's message and its replies)."""
        if messages:
            await self.session.run_sync(
                lambda s: add_all(s.connection(), conversation_id, messages)
            )

    async def recent(self, conversation_id: int, limit: int = 100) -> list[Logged]:
        """The last `limit` messages, oldest first."""
        rows = await self.session.scalars(
            select(LoggedMessage)
            .where(LoggedMessage.conversation_id == conversation_id)
            .order_by(LoggedMessage.id.desc())
            .limit(limit)
        )
        return [logged(row) for row in reversed(list(rows))]


def add_all(connection: Connection, conversation_id: int, messages: list[Logged]) -> None:
    """`MessageLog.add_all` on a connection: one statement for all of `messages`, in order."""
    core.execute(connection, _ADD, rows(conversation_id, messages))


def rows(conversation_id: int, messages: list[Logged]) -> list[dict[str, Any]]:
    """The rows of `messages` in the log, their values named after the columns."""
    for message in messages:
        _check(message.direction)
    return [
        {
            "conversation_id": conversation_id,
            "direction": m.direction,
            "text": m.text,
            "payload": m.payload,
            "options": [list(option) for option in m.options],
            "outcome": m.outcome,
            "entry_id": m.entry_id,
            "created_at": m.created_at,
        }
        for m in messages
    ]


def logged(row: LoggedMessage) -> Logged:
    """A stored message as `Logged`."""
    return Logged(
        direction=row.direction,
        text=row.text,
        created_at=row.created_at,
        payload=row.payload,
        options=[(str(o[0]), str(o[1])) for o in row.options or []],
        outcome=row.outcome,
        entry_id=row.entry_id,
    )


def _check(direction: str) -> None:
    # Typed callers cannot get it wrong; this keeps an untyped one from logging nonsense.
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be 'in' or 'out', got {direction!r}")
