"""Tickets: open one, find a conversation's open one, list a queue, pick those due to move up.

Rows are returned as the mapped `Ticket` for the caller to change inside its transaction;
`locked` ones are row-locked (FOR UPDATE) so two staff members, or a staff member and the
escalation job, never change the same ticket at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypeVarTuple

from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Conversation, Ticket
from storage.models.tickets import TicketStatus

OPEN: tuple[TicketStatus, ...] = ("waiting", "live")
Rows = TypeVarTuple("Rows")


@dataclass(frozen=True, slots=True)
class Recipient:
    """Where a ticket's user is reached: the conversation's key and language."""

    conversation_id: int
    channel: str
    chat_id: str
    external_user_id: str
    language: str
    flow: str | None  # the flow the conversation is in, if any


@dataclass(frozen=True, slots=True)
class StationRating:
    station_id: str
    count: int
    average: float
    stars: dict[int, int]  # how many of each 1..5


class Tickets:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, ticket: Ticket) -> Ticket:
        self.session.add(ticket)
        await self.session.flush()
        return ticket

    async def get(self, ticket_id: int) -> Ticket | None:
        return await self.session.scalar(select(Ticket).where(Ticket.id == ticket_id))

    async def get_locked(self, ticket_id: int) -> Ticket | None:
        """The ticket, row-locked for the caller to change."""
        return await self.session.scalar(_locking(select(Ticket).where(Ticket.id == ticket_id)))

    async def open_for(self, conversation_id: int) -> Ticket | None:
        """The conversation's waiting or live ticket, locked."""
        return await self.session.scalar(
            _locking(
                select(Ticket)
                .where(Ticket.conversation_id == conversation_id, Ticket.status.in_(OPEN))
                .order_by(Ticket.id.desc())
                .limit(1)
            )
        )

    async def queue(
        self,
        stations: frozenset[str] | None,
        statuses: tuple[TicketStatus, ...],
        *,
        limit: int = 200,
    ) -> list[Ticket]:
        """Tickets of `stations` (all when None): urgent first, then the longest waiting."""
        statement = (
            select(Ticket)
            .where(Ticket.status.in_(statuses))
            .order_by(Ticket.urgent.desc(), Ticket.created_at, Ticket.id)
            .limit(limit)
        )
        if stations is not None:
            statement = statement.where(Ticket.station_id.in_(sorted(stations)))
        return list(await self.session.scalars(statement))

    async def counts(self, stations: frozenset[str] | None) -> dict[str, int]:
        """How many tickets of `stations` are waiting, urgent and waiting, live, resolved."""
        statement = select(
            Ticket.status, func.count(), func.sum(case((Ticket.urgent, 1), else_=0))
        ).group_by(Ticket.status)
        if stations is not None:
            statement = statement.where(Ticket.station_id.in_(sorted(stations)))
        counts = {"waiting": 0, "urgent": 0, "live": 0, "resolved": 0}
        for status, count, urgent in (await self.session.execute(statement)).all():
            counts[status] = int(count)
            if status == "waiting":
                counts["urgent"] = int(urgent or 0)
        return counts

    async def due(
        self, now: datetime, *, skip: frozenset[str] = frozenset(), limit: int = 50
    ) -> list[Ticket]:
        """Waiting tickets past their deadline, outside the `skip` stations (the top, where
        there is nowhere higher to go), locked; SKIP LOCKED lets several server processes run
        the escalation job without doing the same move twice."""
        return list(
            await self.session.scalars(
                select(Ticket)
                .where(
                    Ticket.status == "waiting",
                    Ticket.deadline_at.is_not(None),
                    Ticket.deadline_at <= now,
                    Ticket.station_id.not_in(sorted(skip)),
                )
                .order_by(Ticket.deadline_at, Ticket.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
                .execution_options(populate_existing=True)
            )
        )

    async def of_user(self, user_id: int, limit: int = 20) -> list[Ticket]:
        return list(
            await self.session.scalars(
                select(Ticket)
                .where(Ticket.user_id == user_id)
                .order_by(Ticket.id.desc())
                .limit(limit)
            )
        )

    async def ratings(self, stations: frozenset[str] | None) -> list[StationRating]:
        statement = (
            select(Ticket.station_id, Ticket.rating, func.count())
            .where(Ticket.rating.is_not(None))
            .group_by(Ticket.station_id, Ticket.rating)
        )
        if stations is not None:
            statement = statement.where(Ticket.station_id.in_(sorted(stations)))
        stars: dict[str, dict[int, int]] = {}
        for station_id, rating, count in (await self.session.execute(statement)).all():
            stars.setdefault(station_id, dict.fromkeys(range(1, 6), 0))[int(rating or 0)] = count
        return [
            StationRating(
                station_id,
                sum(by.values()),
                round(sum(n * c for n, c in by.items()) / sum(by.values()), 2),
                by,
            )
            for station_id, by in sorted(stars.items())
        ]

    async def recipient(self, conversation_id: int) -> Recipient:
        """The conversation a ticket answers to."""
        statement = select(Conversation).where(Conversation.id == conversation_id)
        return _recipient(conversation_id, await self.session.scalar(statement))

    async def recipient_locked(self, conversation_id: int) -> Recipient:
        """The conversation a ticket answers to, with its row lock taken as a turn takes it,
        before the caller changes where that conversation stands."""
        statement = select(Conversation).where(Conversation.id == conversation_id)
        return _recipient(conversation_id, await self.session.scalar(_locking(statement)))

    async def set_flow(
        self, conversation_id: int, flow: str | None, step: str | None, values: dict[str, object]
    ) -> None:
        """Put the conversation at a flow step from outside a turn (staff resolved its ticket:
        the user's next digit is a rating). Call `recipient_locked` first."""
        row = await self.session.get(Conversation, conversation_id)
        if row is None:
            raise LookupError(f"conversation {conversation_id} does not exist")
        row.flow, row.step, row.values, row.options = flow, step, dict(values), []
        await self.session.flush()


def _recipient(conversation_id: int, row: Conversation | None) -> Recipient:
    if row is None:
        raise LookupError(f"conversation {conversation_id} does not exist")
    return Recipient(row.id, row.channel, row.chat_id, row.external_user_id, row.language, row.flow)


def _locking(statement: Select[*Rows]) -> Select[*Rows]:
    """`statement` taking row locks (FOR UPDATE), its rows read afresh rather than from the
    session's identity map, which may hold them as they were before the lock."""
    return statement.with_for_update().execution_options(populate_existing=True)
