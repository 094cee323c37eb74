"""SQLite called on the event loop's own thread.

aiosqlite runs every call on a worker thread and hands the result back through the loop: two
thread switches per statement, each waiting for the GIL while the loop is busy with other
requests. A turn is nine statements, and SQLite's writes are serialised anyway, so under load
those hand-overs, not SQLite, set the pace (`benchmarks/README.md` has the profiles). A statement
on a local WAL file takes microseconds, so this connection makes each call at once on the
calling thread; aiosqlite's thread is kept only to open and close the file.

What waits is then the loop itself: while *another process* holds SQLite's write lock (a CLI
command), BEGIN waits for it on the loop's thread, up to the busy timeout. Within one process
every transaction on a file queues on one asyncio lock first (`writer_lock`), so two pools on
the same file (a test's second "process") never wait for each other inside SQLite.
"""

from __future__ import annotations

import asyncio
import sqlite3
import weakref
from collections.abc import Callable
from typing import Any

import aiosqlite

BUSY_TIMEOUT = 15.0  # seconds BEGIN waits for another process's write lock

_LOCKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


class InlineConnection(aiosqlite.Connection):
    """aiosqlite's connection, with every call made at once on the calling thread."""

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)


def creator(path: str, before: Callable[[], None]) -> Callable[[], Any]:
    """The `async_creator` for SQLAlchemy: a new inline connection to the file at `path`,
    calling `before` first (SQLAlchemy's `do_connect` event does not run for a creator)."""

    async def connect() -> aiosqlite.Connection:
        def open_file() -> sqlite3.Connection:
            before()
            # Opened on aiosqlite's thread, used on the loop's: allowed, as calls never overlap.
            return sqlite3.connect(path, timeout=BUSY_TIMEOUT, check_same_thread=False)

        connection = InlineConnection(open_file, iter_chunk_size=64)
        connection._thread.daemon = True  # as SQLAlchemy does: never keeps the process alive
        return await connection

    return connect


def writer_lock(key: str) -> asyncio.Lock:
    """The lock every transaction on the database `key` (a file's resolved path) takes first:
    one per event loop and database in this process."""
    locks = _LOCKS.setdefault(asyncio.get_running_loop(), {})
    return locks.setdefault(key, asyncio.Lock())
