"""The audit log: append an entry, read entries back. There is no way to change one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry
from storage.models.base import utcnow


@dataclass(frozen=True, slots=True)
class Audited:
    id: int
    at: datetime
    staff_id: int | None
    username: str
    action: str
    station_id: str | None
    ticket_id: int | None
    subject: str | None
    detail: dict[str, Any] = field(default_factory=dict)


def _audited(row: AuditEntry) -> Audited:
    return Audited(
        row.id,
        row.at,
        row.staff_id,
        row.username,
        row.action,
        row.station_id,
        row.ticket_id,
        row.subject,
        dict(row.detail or {}),
    )


class AuditLog:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self,
        action: str,
        *,
        staff_id: int | None = None,
        username: str = "",
        station_id: str | None = None,
        ticket_id: int | None = None,
        subject: str | None = None,
        detail: dict[str, Any] | None = None,
        at: datetime | None = None,
    ) -> None:
        self.session.add(
            AuditEntry(
                at=at or utcnow(),
                staff_id=staff_id,
                username=username,
                action=action,
                station_id=station_id,
                ticket_id=ticket_id,
                subject=subject,
                detail=detail or {},
            )
        )
        await self.session.flush()

    async def for_ticket(self, ticket_id: int) -> list[Audited]:
        rows = await self.session.scalars(
            select(AuditEntry).where(AuditEntry.ticket_id == ticket_id).order_by(AuditEntry.id)
        )
        return [_audited(row) for row in rows]

    async def did(self, action: str, staff_id: int, ticket_id: int, since: datetime) -> bool:
        """Whether `staff_id` did `action` on `ticket_id` at or after `since`."""
        found = await self.session.scalar(
            select(AuditEntry.id)
            .where(
                AuditEntry.action == action,
                AuditEntry.staff_id == staff_id,
                AuditEntry.ticket_id == ticket_id,
                AuditEntry.at >= since,
            )
            .limit(1)
        )
        return found is not None

    async def recent(
        self, stations: frozenset[str] | None, *, staff_id: int | None = None, limit: int = 200
    ) -> list[Audited]:
        """Newest first: entries about `stations` (all when None), or by `staff_id`."""
        statement = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if stations is not None:
            statement = statement.where(AuditEntry.station_id.in_(sorted(stations)))
        if staff_id is not None:
            statement = statement.where(AuditEntry.staff_id == staff_id)
        return [_audited(row) for row in await self.session.scalars(statement)]
