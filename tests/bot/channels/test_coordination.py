"""The shared primitives (`bot.coordination`): the same behaviour in this process's memory and
in Redis, and Redis that cannot be reached falls back to the process's own, saying so once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest

from bot.coordination import Coordination, in_process, redis_coordination
from tests.bot.channels.shared_redis import redis_of_a_test


@pytest.fixture(params=["in-process", "redis"])
async def coordination(
    request: pytest.FixtureRequest,
) -> AsyncIterator[Coordination]:
    if request.param == "in-process":
        yield in_process()
        return
    async with redis_of_a_test() as shared:
        made = shared.coordination()
        yield made
        await made.close()


async def test_a_flight_is_boarded_once_and_lands_passive_while_someone_waits(
    coordination: Coordination,
) -> None:
    flights = coordination.flights
    assert await flights.board("m1", 30)
    assert not await flights.board("m1", 30)  # a retry: another request runs it
    assert (await flights.join("m1")).phase == "pending"
    assert await flights.land("m1", "[replies]", 60) == "passive"
    left = await flights.leave("m1")
    assert (left.phase, left.replies) == ("passive", "[replies]")
    assert (await flights.look("m1")).replies == "[replies]"  # for later retries


async def test_a_flight_nobody_waits_for_lands_later_and_a_failed_one_is_gone(
    coordination: Coordination,
) -> None:
    flights = coordination.flights
    assert await flights.board("m2", 30)
    await flights.join("m2")
    assert (await flights.leave("m2")).phase == "pending"  # gave up before it landed
    assert await flights.land("m2", "[r]", 60) == "later"
    await flights.settle("m2", "[r]", 60)  # taken back by a retry
    assert (await flights.look("m2")).phase == "passive"
    assert await flights.board("m3", 30)
    await flights.drop("m3")
    assert (await flights.join("m3")).phase == "gone"
    assert await flights.board("m3", 30)  # the next retry starts afresh


async def test_a_flight_of_a_process_that_died_expires(coordination: Coordination) -> None:
    assert await coordination.flights.board("m4", 0.05)
    await asyncio.sleep(0.2)
    assert (await coordination.flights.look("m4")).phase == "gone"
    assert await coordination.flights.board("m4", 30)


async def test_slots_are_reserved_one_after_another_in_every_lane(
    coordination: Coordination,
) -> None:
    slots = coordination.slots
    lanes = [("all", 0.001), ("chat:1", 10.0)]
    assert await slots.reserve(lanes) == 0.0
    assert await slots.reserve([("all", 0.001), ("chat:2", 10.0)]) <= 0.002  # another chat
    assert 9.0 < await slots.reserve(lanes) <= 10.0  # the chat's next slot
    await slots.hold("chat:3", 30.0)
    assert 29.0 < await slots.reserve([("chat:3", 1.0)]) <= 30.0


async def test_a_counted_lane_takes_at_most_so_many_in_a_window(
    coordination: Coordination,
) -> None:
    slots = coordination.slots
    assert [await slots.admit("robot:1", 3, 10.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert 9.0 < await slots.admit("robot:1", 3, 10.0) <= 10.0  # until the first frees
    assert 9.0 < await slots.admit("robot:1", 3, 10.0) <= 10.0  # a refusal took nothing
    assert await slots.admit("robot:2", 3, 10.0) == 0.0  # another lane
    assert await slots.reserve([("robot:1", 10.0)]) == 0.0  # the spaced lane of that name
    assert await slots.admit("short", 1, 0.05) == 0.0
    assert await slots.admit("short", 1, 0.05) > 0.0
    await asyncio.sleep(0.2)
    assert await slots.admit("short", 1, 0.05) == 0.0  # the window moved on


async def test_the_shelf_forgets_a_value_only_if_it_still_holds_it(
    coordination: Coordination,
) -> None:
    shelf = coordination.shelf
    await shelf.put("token", "t1", 60)
    await shelf.discard("token", "t0")  # someone else's old value: not ours to drop
    assert await shelf.get("token") == "t1"
    await shelf.discard("token", "t1")
    assert await shelf.get("token") is None
    await shelf.put("short", "x", 0.05)
    await asyncio.sleep(0.2)
    assert await shelf.get("short") is None


async def test_the_shelf_lock_is_held_by_one_at_a_time(coordination: Coordination) -> None:
    inside: list[str] = []

    async def hold(who: str) -> None:
        async with coordination.shelf.lock("refresh", 10):
            inside.append(f"{who} in")
            await asyncio.sleep(0.05)
            inside.append(f"{who} out")

    await asyncio.gather(hold("a"), hold("b"))
    assert inside in (["a in", "a out", "b in", "b out"], ["b in", "b out", "a in", "a out"])


async def test_redis_that_is_down_falls_back_to_this_process_and_says_so_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    down = redis_coordination("redis://127.0.0.1:1/0", "vetbot-test:down:")  # nothing listens
    caplog.set_level(logging.INFO, logger="bot.coordination")
    try:
        assert await down.flights.board("m1", 30)  # the turn runs here, not refused
        assert not await down.flights.board("m1", 30)
        assert await down.slots.reserve([("all", 10.0)]) == 0.0
        assert await down.slots.reserve([("all", 10.0)]) > 9.0  # limited in this process
        assert await down.slots.admit("robot", 1, 60.0) == 0.0
        assert await down.slots.admit("robot", 1, 60.0) > 59.0  # counted in this process
        await down.shelf.put("token", "t1", 60)
        assert await down.shelf.get("token") == "t1"
        async with down.shelf.lock("refresh", 1):
            pass
    finally:
        await down.close()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [r.getMessage() for r in warnings] == [
        "Redis unreachable: coordination falls back to this process"
    ]
    assert warnings[0].coordination == "flights"  # type: ignore[attr-defined]
