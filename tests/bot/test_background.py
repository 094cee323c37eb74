"""The shape of every background round: again at once while there is more, a database that is
away skips a round and the task lives on, and stopping ends it."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.background import every
from storage.errors import StorageUnavailable


async def test_a_full_batch_goes_round_again_at_once_and_stop_ends_it() -> None:
    stop = asyncio.Event()
    rounds: list[int] = []

    async def work() -> bool:
        rounds.append(len(rounds))
        if len(rounds) == 5:
            stop.set()
        return True  # always more: only `stop` ends the loop, without any waiting

    await asyncio.wait_for(every(3600, work, stop, skipped="work"), 5)
    assert rounds == [0, 1, 2, 3, 4]


async def test_a_database_away_skips_the_round_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    stop = asyncio.Event()
    rounds = 0

    async def work() -> None:
        nonlocal rounds
        rounds += 1
        if rounds == 1:
            raise StorageUnavailable("connection refused")
        stop.set()

    with caplog.at_level(logging.WARNING, logger="bot.background"):
        await asyncio.wait_for(every(0.01, work, stop, skipped="reminders"), 5)
    assert rounds == 2
    assert "reminders skipped this time: connection refused" in caplog.text


async def test_another_error_ends_the_task_for_the_runtime_to_report() -> None:
    async def work() -> None:
        raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        await every(0.01, work, asyncio.Event(), skipped="work")
