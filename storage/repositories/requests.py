"""Filed requests: file one with its number, list a user's or a station's, move its state."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import StateChangeRefused
from storage.models import RequestEvent, ServiceRequest
from storage.models.base import utcnow
from storage.repositories.counters import next_value
from storage.repositories.filed_for import Veteran, Veterans

# Which moves are allowed is the casework's rule (`bot.casework.requests`); storage records them.
__all__ = ["Event", "Filed", "Requests", "StateChangeRefused", "Veteran"]


@dataclass(frozen=True, slots=True)
class Filed:
    """A request as stored. `answers` holds ID numbers sealed, as they are at rest.
    `filed_for` is the veteran it was filed for by someone else (the user), if it was."""

    id: int
    number: str
    user_id: int
    type_id: str
    station_id: str
    state: str
    answers: dict[str, Any]
    language: str
    channel: str
    chat_id: str
    external_user_id: str
    created_at: datetime
    updated_at: datetime
    filed_for: Veteran | None = None


@dataclass(frozen=True, slots=True)
class Event:
    state: str
    actor: str
    note: str
    at: datetime


class Requests:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def file(
        self,
        *,
        prefix: str,
        year: int,
        user_id: int,
        type_id: str,
        station_id: str,
        answers: dict[str, Any],
        language: str,
        channel: str,
        chat_id: str,
        external_user_id: str,
        filed_for: Veteran | None = None,
    ) -> Filed:
        """Store a new request in state `submitted` with the next number of `year`; for the
        veteran `filed_for` when the user files it on their behalf."""
        sequence = await next_value(self.session, f"request:{year}")
        now = utcnow()
        row = ServiceRequest(
            number=f"{prefix}-{year}-{sequence:06d}",
            user_id=user_id,
            type_id=type_id,
            station_id=station_id,
            state="submitted",
            answers=answers,
            language=language,
            channel=channel,
            chat_id=chat_id,
            external_user_id=external_user_id,
            created_at=now,
            updated_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        self.session.add(
            RequestEvent(request_id=row.id, state="submitted", actor="user", created_at=now)
        )
        await self.session.flush()
        if filed_for is not None:
            await Veterans(self.session).add(filed_for, "request", row.id)
        return _filed(row, filed_for)

    async def get(self, number: str) -> Filed | None:
        row = await self.session.scalar(
            select(ServiceRequest).where(ServiceRequest.number == number)
        )
        return None if row is None else (await self._with_veterans([row]))[0]

    async def of_user(self, user_id: int, limit: int = 10) -> list[Filed]:
        """The user's requests, newest first."""
        rows = await self.session.scalars(
            select(ServiceRequest)
            .where(ServiceRequest.user_id == user_id)
            .order_by(ServiceRequest.id.desc())
            .limit(limit)
        )
        return await self._with_veterans(list(rows))

    async def queue(
        self, station_ids: list[str], states: tuple[str, ...] = ("submitted",), limit: int = 100
    ) -> list[Filed]:
        """Requests waiting at these stations, oldest first: a station's queue."""
        rows = await self.session.scalars(
            select(ServiceRequest)
            .where(ServiceRequest.station_id.in_(station_ids), ServiceRequest.state.in_(states))
            .order_by(ServiceRequest.id)
            .limit(limit)
        )
        return await self._with_veterans(list(rows))

    async def change_state(self, current: Filed, state: str, actor: str, note: str = "") -> Filed:
        """Move request `current` on to `state` and record who did it and why.

        The UPDATE is conditional on the state `current` was read in, so two staff members
        acting at once cannot both move it (the second is refused, not silently applied).
        """
        now = utcnow()
        result = await self.session.execute(
            update(ServiceRequest)
            .where(ServiceRequest.id == current.id, ServiceRequest.state == current.state)
            .values(state=state, updated_at=now)
        )
        if not getattr(result, "rowcount", 0):
            raise StateChangeRefused(f"{current.number} changed meanwhile; look at it again")
        self.session.add(
            RequestEvent(request_id=current.id, state=state, actor=actor, note=note, created_at=now)
        )
        await self.session.flush()
        return replace(current, state=state, updated_at=now)

    async def history(self, request_id: int) -> list[Event]:
        rows = await self.session.scalars(
            select(RequestEvent)
            .where(RequestEvent.request_id == request_id)
            .order_by(RequestEvent.id)
        )
        return [Event(r.state, r.actor, r.note, r.created_at) for r in rows]

    async def _with_veterans(self, rows: list[ServiceRequest]) -> list[Filed]:
        veterans = await Veterans(self.session).of_cases("request", (r.id for r in rows))
        return [_filed(row, veterans.get(row.id)) for row in rows]


def _filed(row: ServiceRequest, filed_for: Veteran | None) -> Filed:
    return Filed(
        id=row.id,
        number=row.number,
        user_id=row.user_id,
        type_id=row.type_id,
        station_id=row.station_id,
        state=row.state,
        answers=dict(row.answers or {}),
        language=row.language,
        channel=row.channel,
        chat_id=row.chat_id,
        external_user_id=row.external_user_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        filed_for=filed_for,
    )
