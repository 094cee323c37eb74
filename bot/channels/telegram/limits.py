"""Spacing of Telegram sends: about one message a second per chat and thirty a second overall."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from bot.coordination.local import LocalSlots
from bot.coordination.types import Slots

# Telegram's own guidance: core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this
PER_CHAT_INTERVAL = 1.0
OVERALL_PER_SECOND = 30.0
OVERALL = "telegram:all"


class RateLimiter:
    """Hands out send slots. Each caller reserves the next free slot (in `slots`, atomically)
    and then sleeps, so concurrent senders (webhook turns, the outbox worker) queue fairly
    without holding each other up. Telegram counts per bot: the server's `slots` are shared
    by its processes when VETBOT_REDIS_URL is set (`bot.coordination`), else this process's."""

    def __init__(
        self,
        *,
        slots: Slots | None = None,
        per_chat_interval: float = PER_CHAT_INTERVAL,
        overall_per_second: float = OVERALL_PER_SECOND,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._slots = slots or LocalSlots(clock)
        self._per_chat = per_chat_interval
        self._overall = 1.0 / overall_per_second
        self._sleep = sleep

    async def wait(self, chat_id: str) -> None:
        """Return when a message may be sent to `chat_id`."""
        delay = await self._slots.reserve(
            [(OVERALL, self._overall), (_chat(chat_id), self._per_chat)]
        )
        if delay > 0:
            await self._sleep(delay)

    async def pause(self, chat_id: str, seconds: float) -> None:
        """Telegram answered 429 with retry_after: nothing more to this chat before then."""
        await self._slots.hold(_chat(chat_id), seconds)


def _chat(chat_id: str) -> str:
    return f"telegram:chat:{chat_id}"
