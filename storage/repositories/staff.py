"""Staff accounts and console sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypeGuard

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import StaffMember, StaffSession
from storage.models.staff import ROLES, Role

__all__ = ["ROLES", "Role", "StaffAccount", "StaffAccounts", "StaffSessions", "is_role"]


def is_role(role: str) -> TypeGuard[Role]:
    return role in ROLES


@dataclass(frozen=True, slots=True)
class StaffAccount:
    """A staff member as the application sees them (never the password hash)."""

    id: int
    username: str
    name: str
    station_id: str
    role: Role
    active: bool = True

    @property
    def shown(self) -> str:
        return self.name or self.username


def _account(row: StaffMember) -> StaffAccount:
    return StaffAccount(row.id, row.username, row.name, row.station_id, row.role, row.active)


class StaffAccounts:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self, username: str, name: str, station_id: str, role: str, password_hash: str
    ) -> StaffAccount:
        if not is_role(role):
            raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
        row = StaffMember(
            username=username,
            name=name,
            station_id=station_id,
            role=role,
            password_hash=password_hash,
        )
        self.session.add(row)
        await self.session.flush()
        return _account(row)

    async def get(self, staff_id: int) -> StaffAccount | None:
        row = await self.session.get(StaffMember, staff_id)
        return None if row is None else _account(row)

    async def by_username(self, username: str) -> StaffAccount | None:
        row = await self._row(username)
        return None if row is None else _account(row)

    async def credentials(self, username: str) -> tuple[StaffAccount, str, datetime | None] | None:
        """The account, its password hash and when its lockout ends; row-locked, so two
        logins at once count their failures one after the other."""
        row = await self._row(username, lock=True)
        return None if row is None else (_account(row), row.password_hash, row.locked_until)

    async def all(self) -> list[StaffAccount]:
        rows = await self.session.scalars(select(StaffMember).order_by(StaffMember.username))
        return [_account(row) for row in rows]

    async def failed_login(self, staff_id: int, limit: int, lock_until: datetime) -> bool:
        """Count a wrong password; True when this one locks the account."""
        row = await self.session.get(StaffMember, staff_id)
        assert row is not None
        row.failed_logins += 1
        locked = row.failed_logins >= limit
        if locked:
            row.locked_until, row.failed_logins = lock_until, 0
        await self.session.flush()
        return locked

    async def logged_in(self, staff_id: int) -> None:
        await self.session.execute(
            update(StaffMember)
            .where(StaffMember.id == staff_id)
            .values(failed_logins=0, locked_until=None)
        )

    async def set_password(self, staff_id: int, password_hash: str) -> None:
        await self.session.execute(
            update(StaffMember)
            .where(StaffMember.id == staff_id)
            .values(password_hash=password_hash, failed_logins=0, locked_until=None)
        )
        # A new password ends every session the old one opened.
        await self.session.execute(delete(StaffSession).where(StaffSession.staff_id == staff_id))

    async def set_active(self, staff_id: int, active: bool) -> None:
        await self.session.execute(
            update(StaffMember).where(StaffMember.id == staff_id).values(active=active)
        )
        if not active:
            await self.session.execute(
                delete(StaffSession).where(StaffSession.staff_id == staff_id)
            )

    async def _row(self, username: str, *, lock: bool = False) -> StaffMember | None:
        statement = select(StaffMember).where(StaffMember.username == username)
        if lock:
            statement = statement.with_for_update()
        return await self.session.scalar(statement)


class StaffSessions:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, token_hash: str, staff_id: int, csrf: str, expires_at: datetime) -> None:
        self.session.add(
            StaffSession(token_hash=token_hash, staff_id=staff_id, csrf=csrf, expires_at=expires_at)
        )
        await self.session.flush()

    async def find(self, token_hash: str, now: datetime) -> tuple[StaffAccount, str] | None:
        """The active account behind an unexpired session, and the session's CSRF token."""
        row = await self.session.execute(
            select(StaffMember, StaffSession.csrf)
            .join(StaffSession, StaffSession.staff_id == StaffMember.id)
            .where(
                StaffSession.token_hash == token_hash,
                StaffSession.expires_at > now,
                StaffMember.active.is_(True),
            )
        )
        found = row.first()
        return None if found is None else (_account(found[0]), found[1])

    async def end(self, token_hash: str) -> None:
        await self.session.execute(
            delete(StaffSession).where(StaffSession.token_hash == token_hash)
        )

    async def prune(self, now: datetime) -> int:
        result = await self.session.execute(
            delete(StaffSession).where(StaffSession.expires_at <= now)
        )
        return int(getattr(result, "rowcount", 0) or 0)
