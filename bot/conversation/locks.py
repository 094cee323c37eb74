"""One asyncio lock per conversation key, removed again when nobody holds or waits for it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager


class KeyedLocks:
    """Serialises turns of one conversation inside this process.

    Two messages of one user arriving together (a double tap, a platform retry) must not both
    read the same state, and are handled in the order they arrived: asyncio's lock wakes its
    waiters first come, first served. Across processes the turn's advisory lock on PostgreSQL
    does the same job (`storage/repositories/turns.py`); this lock keeps the second turn from
    even opening a transaction while the first runs.
    Entries are pruned as soon as they are free, so the table never grows with the user count.
    """

    def __init__(self) -> None:
        self._locks: dict[Hashable, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: Hashable) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)
