"""Rate counts: one more hit per call in the current window, the same count seen by every
process, a window of its own per action and subject, and ended windows pruned."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from storage.database import Database
from storage.models import RateCount
from storage.repositories.limits import RateCounts
from tests.twins import twin

MINUTE = timedelta(minutes=1)
NOON = datetime(2026, 9, 21, 12, 0, 5, tzinfo=UTC)


async def _hit(database: Database, action: str, subject: str, now: datetime = NOON) -> int:
    async with database.transaction() as session:
        return await RateCounts(session).hit(action, subject, MINUTE, now)


async def test_hits_count_up_within_a_window_and_start_again_in_the_next(
    database: Database,
) -> None:
    assert [await _hit(database, "chat", "a") for _ in range(3)] == [1, 2, 3]
    assert await _hit(database, "chat", "a", NOON + timedelta(seconds=50)) == 4  # same minute
    assert await _hit(database, "chat", "a", NOON + MINUTE) == 1
    assert await _hit(database, "chat", "b") == 1  # another subject
    assert await _hit(database, "link", "a") == 1  # another action


async def test_two_processes_counting_at_once_lose_no_hit(database: Database) -> None:
    other = twin(database)
    try:
        counted = await asyncio.gather(
            *(_hit(db, "chat", "flood") for _ in range(10) for db in (database, other))
        )
    finally:
        await other.dispose()
    assert sorted(counted) == list(range(1, 21))


async def test_a_rolled_back_turn_takes_its_hit_back(database: Database) -> None:
    try:
        async with database.transaction() as session:
            await RateCounts(session).hit("chat", "a", MINUTE, NOON)
            raise RuntimeError("the turn failed")
    except RuntimeError:
        pass
    assert await _hit(database, "chat", "a") == 1


async def test_ended_windows_are_pruned(database: Database) -> None:
    await _hit(database, "chat", "old", NOON - MINUTE)
    await _hit(database, "chat", "now")
    async with database.transaction() as session:
        assert await RateCounts(session).prune(NOON) == 1
        left = await session.scalars(select(RateCount.subject))
        assert list(left) == ["now"]
        assert await session.scalar(select(func.count()).select_from(RateCount)) == 1
