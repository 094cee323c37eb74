"""A conversation's message log with each message's id: what staff read, and what the web
chat page fetches as it arrives (staff replies and notices written outside a turn)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import LoggedMessage
from storage.repositories.messages import Logged, logged


def _logged(row: LoggedMessage) -> tuple[int, Logged]:
    return row.id, logged(row)


class Transcript:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def messages(self, conversation_id: int, limit: int = 500) -> list[tuple[int, Logged]]:
        """The last `limit` messages with their ids, oldest first."""
        rows = await self.session.scalars(
            select(LoggedMessage)
            .where(LoggedMessage.conversation_id == conversation_id)
            .order_by(LoggedMessage.id.desc())
            .limit(limit)
        )
        return [_logged(row) for row in reversed(list(rows))]

    async def later(
        self, conversation_id: int, after: int, outcomes: frozenset[str], limit: int = 50
    ) -> list[tuple[int, Logged]]:
        """Messages after id `after` with one of `outcomes`, oldest first."""
        rows = await self.session.scalars(
            select(LoggedMessage)
            .where(
                LoggedMessage.conversation_id == conversation_id,
                LoggedMessage.id > after,
                LoggedMessage.outcome.in_(sorted(outcomes)),
            )
            .order_by(LoggedMessage.id)
            .limit(limit)
        )
        return [_logged(row) for row in rows]

    async def last_id(self, conversation_id: int) -> int:
        found = await self.session.scalar(
            select(func.max(LoggedMessage.id)).where(
                LoggedMessage.conversation_id == conversation_id
            )
        )
        return int(found or 0)
