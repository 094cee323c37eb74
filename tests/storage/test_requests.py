"""Filed requests: numbers unique under concurrency, queues, and checked state changes."""

from __future__ import annotations

import asyncio

import pytest

from storage.database import Database
from storage.repositories.counters import next_value
from storage.repositories.requests import Filed, Requests, StateChangeRefused
from storage.repositories.users import Users
from tests.twins import twin


async def _user(database: Database, name: str = "u1") -> int:
    async with database.transaction() as session:
        return await Users(session).identify("test", name)


async def _file(
    database: Database, user_id: int, station: str = "tongshi", year: int = 2026
) -> Filed:
    async with database.transaction() as session:
        return await Requests(session).file(
            prefix="PJ",
            year=year,
            user_id=user_id,
            type_id="callback",
            station_id=station,
            answers={"phone": "13800000000"},
            language="zh",
            channel="test",
            chat_id="c",
            external_user_id="u1",
        )


async def test_numbers_count_per_year_from_one(database: Database) -> None:
    user = await _user(database)
    first, second = await _file(database, user), await _file(database, user)
    next_year = await _file(database, user, year=2027)
    assert (first.number, second.number) == ("PJ-2026-000001", "PJ-2026-000002")
    assert next_year.number == "PJ-2027-000001"
    assert first.state == "submitted"


async def test_tracking_numbers_are_unique_when_filed_concurrently(database: Database) -> None:
    """Four pools (four server processes) filing 120 requests at once: 120 distinct numbers."""
    user = await _user(database)
    pools = [database, *(twin(database) for _ in range(3))]
    try:
        filed = await asyncio.gather(*(_file(pools[n % 4], user) for n in range(120)))
    finally:
        for pool in pools[1:]:
            await pool.dispose()
    numbers = sorted(f.number for f in filed)
    assert numbers == [f"PJ-2026-{n:06d}" for n in range(1, 121)]


async def test_a_rolled_back_filing_gives_its_number_back(database: Database) -> None:
    with pytest.raises(RuntimeError):
        async with database.transaction() as session:
            assert await next_value(session, "request:2026") == 1
            raise RuntimeError("the turn failed after numbering")
    user = await _user(database)
    assert (await _file(database, user)).number == "PJ-2026-000001"


async def test_the_queue_and_the_users_list(database: Database) -> None:
    alice, bob = await _user(database, "alice"), await _user(database, "bob")
    a1 = await _file(database, alice, "tongshi")
    await _file(database, bob, "wukou")
    a2 = await _file(database, alice, "county")
    async with database.transaction() as session:
        requests = Requests(session)
        assert [r.number for r in await requests.of_user(alice)] == [a2.number, a1.number]
        assert [r.number for r in await requests.queue(["tongshi", "county"])] == [
            a1.number,
            a2.number,
        ]
        await requests.change_state(a1, "accepted", "张三")
        assert [r.number for r in await requests.queue(["tongshi"])] == []


async def test_every_state_change_is_recorded_with_actor_and_note(database: Database) -> None:
    filed = await _file(database, await _user(database))
    async with database.transaction() as session:
        requests = Requests(session)
        accepted = await requests.change_state(filed, "accepted", "张三")
        started = await requests.change_state(accepted, "in_progress", "张三", "已联系本人")
        done = await requests.change_state(started, "done", "李四", "已办结")
        history = await requests.history(filed.id)
    assert done.state == "done"
    assert [(e.state, e.actor, e.note) for e in history] == [
        ("submitted", "user", ""),
        ("accepted", "张三", ""),
        ("in_progress", "张三", "已联系本人"),
        ("done", "李四", "已办结"),
    ]
    assert history[0].at <= history[-1].at


async def test_two_staff_accepting_at_once_move_it_once(database: Database) -> None:
    filed = await _file(database, await _user(database))
    other = twin(database)

    async def accept(pool: Database, actor: str) -> str:
        try:
            async with pool.transaction() as session:
                await Requests(session).change_state(filed, "accepted", actor)
        except StateChangeRefused:
            return "refused"
        return "moved"

    try:
        results = await asyncio.gather(accept(database, "张三"), accept(other, "李四"))
    finally:
        await other.dispose()
    assert sorted(results) == ["moved", "refused"]
    async with database.transaction() as session:
        history = await Requests(session).history(filed.id)
    assert [e.state for e in history] == ["submitted", "accepted"]
