"""Staff alerts: marks that decide which process sends an alert, staff members' linked Telegram
accounts and their one-time codes, and the state of alert deliveries for /healthz."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AlertMark, OutboxMessage, StaffTelegram, StaffTelegramCode
from storage.repositories.upsert import insert_ignoring_conflict


class AlertMarks:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def first(self, key: str, now: datetime) -> bool:
        """Mark alert `key` as sent; True only for the one transaction that marked it first
        (another process that got there too finds the row and sends nothing)."""
        return await insert_ignoring_conflict(
            self.session, AlertMark, {"key": key, "created_at": now}, ["key"]
        )

    async def prune(self, before: datetime) -> None:
        await self.session.execute(delete(AlertMark).where(AlertMark.created_at < before))


class StaffTelegramLinks:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def issue(
        self, code_hash: str, staff_id: int, expires_at: datetime, now: datetime
    ) -> bool:
        """A new code for `staff_id`, replacing theirs; False when the hash is taken (ask for
        another). Expired codes are dropped here, so the table never only grows."""
        await self.session.execute(
            delete(StaffTelegramCode).where(
                or_(StaffTelegramCode.staff_id == staff_id, StaffTelegramCode.expires_at <= now)
            )
        )
        return await insert_ignoring_conflict(
            self.session,
            StaffTelegramCode,
            {"code_hash": code_hash, "staff_id": staff_id, "expires_at": expires_at},
            ["code_hash"],
        )

    async def use(self, code_hash: str, telegram_user_id: str, now: datetime) -> int | None:
        """Link `telegram_user_id` to the staff member whose live code this is, using the code
        up; the staff id, or None for no such live code. A Telegram account belongs to one
        member, and a member has one account: older links of either are replaced."""
        code = await self.session.scalar(
            select(StaffTelegramCode)
            .where(StaffTelegramCode.code_hash == code_hash, StaffTelegramCode.expires_at > now)
            .with_for_update()
        )
        if code is None:
            return None
        staff_id = code.staff_id
        await self.session.delete(code)
        await self.session.execute(
            delete(StaffTelegram).where(
                or_(
                    StaffTelegram.staff_id == staff_id,
                    StaffTelegram.telegram_user_id == telegram_user_id,
                )
            )
        )
        self.session.add(
            StaffTelegram(staff_id=staff_id, telegram_user_id=telegram_user_id, linked_at=now)
        )
        await self.session.flush()
        return staff_id

    async def staff_of(self, telegram_user_id: str) -> int | None:
        return await self.session.scalar(
            select(StaffTelegram.staff_id).where(StaffTelegram.telegram_user_id == telegram_user_id)
        )

    async def linked_at(self, staff_id: int) -> datetime | None:
        return await self.session.scalar(
            select(StaffTelegram.linked_at).where(StaffTelegram.staff_id == staff_id)
        )


@dataclass(frozen=True, slots=True)
class Delivery:
    """The latest alert tried for one destination (a station's robot, a staff chat)."""

    channel: str
    chat_id: str
    delivered: bool
    error: str | None
    at: datetime


async def latest_deliveries(
    session: AsyncSession, channels: list[str], since: datetime, limit: int = 500
) -> list[Delivery]:
    """Per destination of `channels`, its latest alert tried since `since` (one not yet
    attempted does not count: it says nothing about the destination yet)."""
    rows = await session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.channel.in_(channels),
            OutboxMessage.created_at >= since,
            OutboxMessage.attempts > 0,
        )
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    )
    latest: dict[tuple[str, str], Delivery] = {}
    for row in rows:
        where = (row.channel, row.chat_id)
        if where not in latest:
            delivered = row.delivered_at is not None
            latest[where] = Delivery(
                row.channel,
                row.chat_id,
                delivered,
                None if delivered else row.last_error,
                row.delivered_at or row.created_at,
            )
    return list(latest.values())
