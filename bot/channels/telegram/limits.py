"""Spacing of Telegram sends: about one message a second per chat and thirty a second overall."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

# Telegram's own guidance: core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this
PER_CHAT_INTERVAL = 1.0
OVERALL_PER_SECOND = 30.0
# Above this many remembered chats, forget those whose next slot has passed.
_PRUNE_ABOVE = 1024


class RateLimiter:
    """Hands out send slots. Each caller reserves the next free slot under a lock and then sleeps
    outside it, so concurrent senders (webhook turns, the outbox worker) queue fairly without
    holding each other up. Limits are per process: Telegram counts per bot, so run the outbox
    worker in one process if several serve the same bot."""

    def __init__(
        self,
        *,
        per_chat_interval: float = PER_CHAT_INTERVAL,
        overall_per_second: float = OVERALL_PER_SECOND,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._per_chat = per_chat_interval
        self._overall = 1.0 / overall_per_second
        self._clock = clock
        self._sleep = sleep
        self._lock = asyncio.Lock()
        self._next_in_chat: dict[str, float] = {}
        self._next_overall = 0.0

    async def wait(self, chat_id: str) -> None:
        """Return when a message may be sent to `chat_id`."""
        async with self._lock:
            now = self._clock()
            slot = max(now, self._next_overall, self._next_in_chat.get(chat_id, now))
            self._next_overall = slot + self._overall
            self._next_in_chat[chat_id] = slot + self._per_chat
            if len(self._next_in_chat) > _PRUNE_ABOVE:
                self._prune(now)
        if slot > now:
            await self._sleep(slot - now)

    def pause(self, chat_id: str, seconds: float) -> None:
        """Telegram answered 429 with retry_after: nothing more to this chat before then."""
        resume = self._clock() + seconds
        self._next_in_chat[chat_id] = max(self._next_in_chat.get(chat_id, resume), resume)

    def _prune(self, now: float) -> None:
        for chat_id in [chat for chat, slot in self._next_in_chat.items() if slot <= now]:
            del self._next_in_chat[chat_id]
