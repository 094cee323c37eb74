"""Per-conversation locks: one turn at a time per key, keys independent, table pruned."""

from __future__ import annotations

import asyncio

from bot.conversation.locks import KeyedLocks


async def test_same_key_runs_one_at_a_time_and_different_keys_in_parallel() -> None:
    locks = KeyedLocks()
    running: dict[str, int] = {"a": 0, "b": 0}
    most: dict[str, int] = {"a": 0, "b": 0}

    async def turn(key: str) -> None:
        async with locks.hold(key):
            running[key] += 1
            most[key] = max(most[key], running[key])
            await asyncio.sleep(0.05)
            running[key] -= 1

    started = asyncio.get_running_loop().time()
    await asyncio.gather(*(turn(k) for k in "aaaabbbb"))
    elapsed = asyncio.get_running_loop().time() - started
    assert most == {"a": 1, "b": 1}
    assert elapsed < 0.35  # a and b overlapped: 4 x 50 ms each, not 8 x 50 ms
    assert len(locks) == 0


async def test_lock_is_released_and_pruned_when_the_turn_fails() -> None:
    locks = KeyedLocks()
    try:
        async with locks.hold("k"):
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert len(locks) == 0
    async with locks.hold("k"):  # and can be taken again
        assert len(locks) == 1
