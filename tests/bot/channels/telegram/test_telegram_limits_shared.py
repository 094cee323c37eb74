"""Telegram counts its limits per bot, whichever process sends: two server processes sharing
one Redis never send faster together than one limiter allows, per chat and overall."""

from __future__ import annotations

import asyncio
import json
import sys

import pytest

from tests.bot.channels.shared_redis import SharedRedis, shared_redis
from tests.bot.channels.telegram import limiter_process
from tests.paths import REPO

__all__ = ["shared_redis"]

SENDS = 12  # per process


async def _two_processes(shared: SharedRedis, chats: str) -> list[tuple[float, float]]:
    """The (before, after) times of every wait of two limiter processes started at once."""
    command = [
        sys.executable,
        "-m",
        "tests.bot.channels.telegram.limiter_process",
        shared.url,
        shared.prefix,
        str(SENDS),
        chats,
    ]
    processes = [
        await asyncio.create_subprocess_exec(
            *command, cwd=REPO, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
        )
        for _ in range(2)
    ]
    for process in processes:
        assert process.stdout is not None
        assert (await process.stdout.readline()).strip() == b"ready"
    for process in processes:
        assert process.stdin is not None
        process.stdin.write(b"go\n")
        await process.stdin.drain()
    times: list[tuple[float, float]] = []
    for process in processes:
        out, _ = await process.communicate()
        assert process.returncode == 0
        times += [(before, after) for before, after in json.loads(out)]
    return times


def _span(times: list[tuple[float, float]]) -> float:
    """Seconds from the first wait's start to the last wait's end: every slot lies inside."""
    return max(after for _, after in times) - min(before for before, _ in times)


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("chats", "interval"),
    [
        # 24 slots of one chat, each PER_CHAT after the one before, wherever it was reserved.
        ("same", limiter_process.PER_CHAT),
        # 24 slots of 24 chats, each a 1/OVERALL after the one before.
        ("many", 1 / limiter_process.OVERALL),
    ],
)
async def test_two_processes_together_stay_within_telegrams_limits(
    shared_redis: SharedRedis, chats: str, interval: float
) -> None:
    times = await _two_processes(shared_redis, chats)
    assert len(times) == 2 * SENDS
    # A limiter per process would fit them in about half the span (12 slots each, side by side).
    assert _span(times) >= (2 * SENDS - 1) * interval
