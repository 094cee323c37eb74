"""What a staff member did, into the audit log: one entry per action, at the station it
concerns, naming the ticket or the request/booking (`subject`) and the details."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.repositories.audit import AuditLog
from storage.repositories.staff import StaffAccount


async def audit(
    session: AsyncSession,
    staff: StaffAccount,
    action: str,
    now: datetime,
    *,
    station_id: str | None,
    ticket_id: int | None = None,
    subject: str | None = None,
    **detail: Any,
) -> None:
    await AuditLog(session).add(
        action,
        staff_id=staff.id,
        username=staff.username,
        station_id=station_id,
        ticket_id=ticket_id,
        subject=subject,
        detail=detail,
        at=now,
    )
