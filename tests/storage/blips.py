"""A real database made briefly unavailable: a SQLite file whose folder is moved away and back.

While the folder is away no new connection can open the file, so every transaction raises
`StorageUnavailable`, as it would while a database server restarts; moved back, the same
database answers again with everything it held.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from storage import migrate
from storage.database import Database


class Blip:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.database = Database(f"sqlite:///{folder / 'vetbot.db'}")
        self._away = folder.with_name(f"{folder.name}-away")

    async def open(self) -> Database:
        self.folder.mkdir(parents=True, exist_ok=True)
        await migrate.upgrade(self.database)
        return self.database

    async def start(self) -> None:
        """The database goes away: pooled connections closed, the file out of reach."""
        await self.database.dispose()
        self.folder.rename(self._away)

    def end(self) -> None:
        """The database is back."""
        self._away.rename(self.folder)

    async def close(self) -> None:
        if self._away.exists():
            self.end()
        await self.database.dispose()
        await aiosqlite_threads_finished()


@asynccontextmanager
async def blip_in(folder: Path) -> AsyncIterator[Blip]:
    """A `Blip` opened in `folder`, and closed afterwards (the database back in place)."""
    blip = Blip(folder)
    await blip.open()
    try:
        yield blip
    finally:
        await blip.close()


async def aiosqlite_threads_finished() -> None:
    """aiosqlite stops the worker thread of a failed connect without awaiting it; the thread
    then reports to the event loop, which pytest closes right after the test. Let it finish."""
    for _ in range(100):
        if not any("_connection_worker_thread" in t.name for t in threading.enumerate()):
            return
        await asyncio.sleep(0.02)
