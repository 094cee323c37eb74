"""The one shape of every background round (outbox, reminders, escalation, pruning): do the
work, wait, again, until told to stop; a database that is briefly away skips a round with a
warning instead of ending the task."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from storage.errors import StorageUnavailable

log = logging.getLogger(__name__)


async def every(
    seconds: float,
    work: Callable[[], Awaitable[bool | None]],
    stop: asyncio.Event,
    *,
    skipped: str,
) -> None:
    """Run `work` every `seconds` until `stop` is set. When `work` returns True there is more
    to do at once (a full batch), so the next round starts without waiting. `skipped` names
    what was not done in the warning logged when the database is unavailable."""
    while not stop.is_set():
        try:
            more = await work()
        except StorageUnavailable as exc:
            log.warning("%s skipped this time: %s", skipped, exc)
            more = False
        if not more:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), seconds)
