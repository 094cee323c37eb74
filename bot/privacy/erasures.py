"""Erasures from the console: one admin asks, another confirms (two people for what cannot be
undone); either may withdraw it while it waits. Each step is audited."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import ActionRefused, NotVisible
from bot.privacy.erase import Erased, erase
from bot.privacy.masking import mask
from bot.privacy.people import Actor, Named, find, named
from bot.privacy.sealing import DataKey
from storage.models import ErasureRequest, StaffMember
from storage.repositories.audit import AuditLog
from storage.repositories.privacy import Erasures
from storage.repositories.staff import StaffAccount


def _actor(staff: StaffAccount) -> Actor:
    return Actor(staff.username, staff.id)


async def ask(
    session: AsyncSession,
    key: DataKey,
    who: Named,
    staff: StaffAccount,
    reason: str,
    now: datetime,
) -> ErasureRequest:
    """A pending erasure of the person `who` names (NoSuchPerson, ManyPeople)."""
    person = await find(session, who)
    target = key.seal(f"{who.by}:{who.value}")  # the phone it names is personal data too
    row = await Erasures(session).ask(
        person.user_id, who.shown(), target, mask(reason), staff.id, now
    )
    await AuditLog(session).add(
        "privacy_erase_asked",
        staff_id=staff.id,
        username=staff.username,
        subject=person.subject,
        detail={"reason": row.reason, "named": row.named, "erasure": row.id},
        at=now,
    )
    return row


async def confirm(
    session: AsyncSession, key: DataKey, erasure_id: int, staff: StaffAccount, now: datetime
) -> Erased:
    """Erase as asked: only by another admin than the one who asked. Run `scrub` after."""
    row = await _pending(session, erasure_id)
    if row.asked_by == staff.id:
        raise ActionRefused("staff.privacy.second_admin")
    by, _, value = key.open(row.target).partition(":")
    who = named(by, value)
    person = await find(session, who)  # as it is now: a filing made since is erased too
    asker = await session.get(StaffMember, row.asked_by)
    asked_by = Actor(asker.username if asker else f"#{row.asked_by}", row.asked_by)
    done = await erase(session, key, person, who, _actor(staff), row.reason, asked_by=asked_by)
    await Erasures(session).decide(row, "done", staff.id, now, done.rows)
    return done


async def cancel(
    session: AsyncSession, erasure_id: int, staff: StaffAccount, now: datetime
) -> None:
    row = await _pending(session, erasure_id)
    await Erasures(session).decide(row, "cancelled", staff.id, now, {})
    await AuditLog(session).add(
        "privacy_erase_cancelled",
        staff_id=staff.id,
        username=staff.username,
        subject=f"user:{row.user_id}" if row.user_id is not None else None,
        detail={"erasure": row.id},
        at=now,
    )


async def _pending(session: AsyncSession, erasure_id: int) -> ErasureRequest:
    row = await Erasures(session).locked(erasure_id)
    if row is None:
        raise NotVisible(f"erasure {erasure_id}")
    if row.state != "pending":
        raise ActionRefused("staff.privacy.not_pending")
    return row
