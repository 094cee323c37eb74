"""One database: the async engine, transactions that commit whole or not at all, and a ping."""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import URL, event, text
from sqlalchemy.exc import DBAPIError, InterfaceError, InvalidatePoolError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage import inline_sqlite
from storage.errors import StorageUnavailable
from storage.url import async_url, is_sqlite

# Errors that mean "the database is not there right now", as opposed to a bug in a query.
_UNAVAILABLE = (OperationalError, InterfaceError, OSError)  # OSError covers refused and timeouts
# SQLSTATE classes that say the same from the server: 08 connection exception, 57 operator
# intervention (57P01 terminated by an administrator, 57P03 "the database system is shutting
# down" / "is starting up" while PostgreSQL restarts). SQLAlchemy's asyncpg dialect raises these
# at connect time as a bare DBAPIError that does not count as a lost connection.
_UNAVAILABLE_SQLSTATES = ("08", "57")
# The SQLite file holds names, phone numbers and conversations: its owner's only. SQLite gives
# the WAL and shared-memory files it makes beside it the database file's own mode.
PRIVATE = 0o600
_BESIDE = ("", "-wal", "-shm", "-journal")
POOL = 15  # PostgreSQL connections per process at most
# A PostgreSQL connection idle in the pool this long (seconds) is pinged before it is used.
PING_AFTER = 1.0
_IDLE_SINCE = "vetbot_idle_since"  # key in a pooled connection's `info`: when it came back

log = logging.getLogger(__name__)


class Database:
    """Owns the connection pool. `transaction()` is the only way the application writes."""

    def __init__(self, url: str, *, search_path: str | None = None, echo: bool = False) -> None:
        self.url = async_url(url)
        self.search_path = search_path  # kept so a second pool (a "process") can be opened alike
        self.sqlite = is_sqlite(self.url)
        connect_args: dict[str, Any] = {}
        options: dict[str, Any] = {}
        path = _sqlite_path(self.url) if self.sqlite else None
        if path is not None:
            options["async_creator"] = inline_sqlite.creator(
                str(path), partial(_create_private, path)
            )
        elif self.sqlite:  # in memory: aiosqlite as it comes
            connect_args["timeout"] = inline_sqlite.BUSY_TIMEOUT
        else:
            connect_args["timeout"] = 10  # seconds to connect before the caller is told to retry
            # The planner's default cost of a random page read (4, for spinning disks) makes a
            # table of a few pages look cheaper read whole than through its index; the plan a
            # connection keeps for a statement is made from its first runs, on a database just
            # deployed, so every turn would read all dedupe keys until autovacuum's first
            # ANALYZE. 1.1 is the cost PostgreSQL's manual suggests for data on SSDs or in RAM.
            settings = {"random_page_cost": "1.1"}
            connect_args["server_settings"] = settings
            if search_path:
                settings["search_path"] = search_path
            # SQLAlchemy's default (5 kept, 10 more when busy) closes the 10 as they come back:
            # under load that is a new backend every few dozen turns, with its types looked up
            # and every statement prepared again. The same 15 at most, kept once opened.
            options.update(pool_size=POOL, max_overflow=0)
        self.engine: AsyncEngine = create_async_engine(
            self.url, echo=echo, connect_args=connect_args, **options
        )
        if self.sqlite:
            _configure_sqlite(self.engine, path)
        else:
            _ping_when_idle(self.engine)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer at a time. Queueing our own transactions here, in order, beats
        # letting them poll SQLite's busy handler, whose sleeps grow to 100 ms each; every pool
        # on the same file in this process queues on the same lock.
        self._writer_key = (
            None if not self.sqlite else str(path.resolve()) if path else f"memory:{id(self)}"
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session in one transaction: committed when the block ends, rolled back on any error.

        Connection-level failures become `StorageUnavailable`; anything else propagates as is.
        """
        async with (
            self._writer(),
            _unavailable_as_storage_error(),
            self.sessions() as session,
            session.begin(),
        ):
            yield session

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncConnection]:
        """A bare connection in one transaction, for schema work (migrations)."""
        async with (
            self._writer(),
            _unavailable_as_storage_error(),
            self.engine.begin() as connection,
        ):
            yield connection

    @asynccontextmanager
    async def _writer(self) -> AsyncIterator[None]:
        if self._writer_key is None:
            yield
        else:
            async with inline_sqlite.writer_lock(self._writer_key):
                yield

    async def ping(self) -> None:
        """Raise `StorageUnavailable` unless the database answers a trivial query."""
        async with self.transaction() as session:
            await session.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


@asynccontextmanager
async def _unavailable_as_storage_error() -> AsyncIterator[None]:
    try:
        yield
    except _UNAVAILABLE as exc:
        raise StorageUnavailable(f"database unavailable: {_describe(exc)}") from exc
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise StorageUnavailable(f"database connection lost: {_describe(exc)}") from exc
        state = getattr(exc.orig, "sqlstate", None) or ""
        if state.startswith(_UNAVAILABLE_SQLSTATES):
            raise StorageUnavailable(f"database unavailable: {_describe(exc)}") from exc
        raise


def _describe(exc: BaseException) -> str:
    original = getattr(exc, "orig", None) or exc
    return f"{type(original).__name__}: {original}".strip()


def _sqlite_path(url: URL) -> Path | None:
    name = url.database or ""
    return None if name in ("", ":memory:") or name.startswith("file:") else Path(name)


def _create_private(path: Path) -> None:
    """Make the SQLite file for its owner only, before SQLite makes it with the umask's 0644."""
    # There already, or no such folder (which SQLite's own error says better): nothing to do.
    with contextlib.suppress(OSError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))


def _warn_if_readable(path: Path) -> None:
    """Warn when the database, or its WAL, can be read by other users of the machine."""
    for suffix in _BESIDE:
        beside = path.with_name(path.name + suffix)
        try:
            mode = stat.S_IMODE(beside.stat().st_mode)
        except OSError:
            continue
        if mode & 0o077:
            log.warning(
                "the database file %s can be read by other users of this machine (mode %o), "
                "though it holds personal data: chmod 600 %s*",
                beside,
                mode,
                path,
            )


def _ping_when_idle(engine: AsyncEngine) -> None:
    """Ping a pooled connection before use when it has sat in the pool for `PING_AFTER` or
    longer, and open a new one if the ping fails (a server restarted, or an idle connection
    cut).

    `pool_pre_ping` pings at every checkout: three round trips (BEGIN, an empty query,
    ROLLBACK) in front of every transaction, about a third of a steady turn's. A connection
    back from its last transaction a moment ago is as alive as a ping would show; if it died
    since, its transaction fails as a lost connection, the pool drops every connection opened
    before, and the caller is told to retry (`StorageUnavailable`)."""

    @event.listens_for(engine.sync_engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get(_IDLE_SINCE)  # none on a new connection: nothing to ping
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER:
            return
        dialect = engine.dialect
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as exc:
            if dialect.is_disconnect(exc, dbapi_connection, None):
                raise InvalidatePoolError(f"ping failed: {_describe(exc)}") from exc
            raise


def _configure_sqlite(engine: AsyncEngine, path: Path | None) -> None:
    """WAL so readers never wait for the writer; BEGIN IMMEDIATE so two writers never deadlock.

    pysqlite's default deferred BEGIN takes the write lock only at the first write; two turns
    that both read first then fail with 'database is locked' instead of queueing. Taking the
    write lock at BEGIN makes SQLite serialise whole transactions, the cross-process guard that
    PostgreSQL gets from row locks. The file itself is made for its owner only.
    """
    if path is not None:
        _warn_if_readable(path)  # the file is made private each time it is opened (`creator`)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # On the driver's own cursor: SQLAlchemy's execution of it costs ten times the BEGIN.
        cursor = connection.connection.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE")
        finally:
            cursor.close()
