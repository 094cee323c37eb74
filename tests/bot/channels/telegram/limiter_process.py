"""One server process's Telegram limiter, for the tests of limits shared through Redis.

    python -m tests.bot.channels.telegram.limiter_process REDIS_URL PREFIX SENDS CHATS

Builds a `RateLimiter` on the deployment's Redis (PER_CHAT and OVERALL below), prints "ready",
waits for a line on stdin (so that every process starts sending at once), then waits for
SENDS send slots, to one chat ("same") or each to a chat of its own ("many"), and prints the
times before and after each wait as JSON."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time

from bot.channels.telegram.limits import RateLimiter
from bot.coordination import redis_coordination

PER_CHAT = 0.2  # seconds between two messages to one chat
OVERALL = 10.0  # messages a second in all


async def main(url: str, prefix: str, sends: int, chats: str) -> None:
    coordination = redis_coordination(url, prefix)
    limiter = RateLimiter(
        slots=coordination.slots, per_chat_interval=PER_CHAT, overall_per_second=1000.0
    )
    if chats == "many":
        limiter = RateLimiter(
            slots=coordination.slots, per_chat_interval=1000.0, overall_per_second=OVERALL
        )
    await coordination.slots.reserve([("warm", 0.0)])  # connected before the start
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    times = []
    for n in range(sends):
        before = time.time()
        await limiter.wait("42" if chats == "same" else f"{os.getpid()}-{n}")
        times.append((before, time.time()))
    await coordination.close()
    print(json.dumps(times), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]))
