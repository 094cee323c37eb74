"""Late WeChat replies on their way to the outbox: written with retries, or taken back by a retry.

Replies that missed the passive answer are handed to `later` (the outbox's queue) in the
background. Writing them can fail for a moment (a database blip), so a failed write is tried
again after each of `WAITS`. Until the replies are written, WeChat's retry of the same message
may take them back and answer them passively instead; a retry waits for a write in flight to
end first, and replies taken back are not written: the user gets them once, never twice. Only
when every attempt failed are they lost, and then with an error in the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Literal

from bot.conversation.types import ConversationKey, Outbound
from bot.outbox.worker import Enqueue
from bot.privacy.pseudonyms import pseudonym

log = logging.getLogger(__name__)

# Seconds before each new attempt: about 30 s in all, twice the span of WeChat's retries.
WAITS = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)

Fate = Literal["writing", "written", "taken", "lost"]


class Handover:
    """One set of replies handed to `later`, and what became of them."""

    def __init__(self, key: ConversationKey, replies: list[Outbound]) -> None:
        self.key = key
        self.replies = replies
        self.fate: Fate = "writing"
        self._idle = asyncio.Event()  # set while no write is in flight
        self._idle.set()
        self._taken = asyncio.Event()  # cuts short the wait before the next attempt

    async def write(self, later: Enqueue, waits: Sequence[float] = WAITS) -> None:
        """Write the replies with `later`, trying again after each of `waits`, until they are
        written or taken back."""
        try:
            await self._attempts(later, waits)
        except asyncio.CancelledError:  # shut down mid-way: say so, as for any other loss
            if self.fate == "writing":
                self.fate = "lost"
                log.error(
                    "WeChat replies to %s not known to be queued: shut down", pseudonym(self.key)
                )
            raise

    async def _attempts(self, later: Enqueue, waits: Sequence[float]) -> None:
        failure: Exception | None = None
        for attempt, wait in enumerate([*waits, None], start=1):
            self._idle.clear()
            try:
                await later(self.key, self.replies)
            except Exception as error:  # the boundary of one delivery: keep the replies, retry
                failure = error
            else:
                self.fate = "written"
                return
            finally:
                self._idle.set()
            if wait is None:
                break
            log.warning(
                "WeChat replies to %s not queued (attempt %d), trying again in %g s: %s",
                pseudonym(self.key),
                attempt,
                wait,
                failure,
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._taken.wait(), wait)
            if self.fate == "taken":
                return
        self.fate = "lost"
        log.error(
            "WeChat replies to %s lost: not queued after %d attempts",
            pseudonym(self.key),
            len(waits) + 1,
            exc_info=failure,
        )

    async def take_back(self, timeout: float) -> list[Outbound] | None:
        """The replies, for a retry to answer passively, unless they are written (or a write
        is still in flight after `timeout`): then None, and the outbox delivers them."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while self.fate in ("writing", "lost"):
            if self._idle.is_set():
                self.fate = "taken"
                self._taken.set()
                return self.replies
            remaining = end - loop.time()
            if remaining <= 0:
                return None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._idle.wait(), remaining)
        return None
