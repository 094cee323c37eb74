"""Erasures waiting for a second admin: ask, list, and decide one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ErasureRequest


class Erasures:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def ask(
        self,
        user_id: int | None,
        named: str,
        target: str,
        reason: str,
        asked_by: int,
        now: datetime,
    ) -> ErasureRequest:
        row = ErasureRequest(
            user_id=user_id,
            named=named,
            target=target,
            reason=reason,
            state="pending",
            asked_by=asked_by,
            asked_at=now,
            rows={},
        )
        self.session.add(row)
        await self.session.flush()
        return row

    async def locked(self, erasure_id: int) -> ErasureRequest | None:
        """The erasure, locked until the transaction ends (PostgreSQL; SQLite's writer lock
        already serialises): two admins confirming at once erase once."""
        return await self.session.scalar(
            select(ErasureRequest).where(ErasureRequest.id == erasure_id).with_for_update()
        )

    async def recent(self, limit: int = 50) -> list[ErasureRequest]:
        """Pending first, then the latest decided."""
        rows = await self.session.scalars(
            select(ErasureRequest).order_by(ErasureRequest.id.desc()).limit(limit)
        )
        found = list(rows)
        return sorted(found, key=lambda row: row.state != "pending")

    async def decide(
        self, row: ErasureRequest, state: str, by: int, now: datetime, rows: dict[str, Any]
    ) -> None:
        row.state = state  # type: ignore[assignment]
        row.decided_by, row.decided_at, row.rows = by, now, rows
        row.target = ""  # the phone it named, sealed: no longer needed
        await self.session.flush()
