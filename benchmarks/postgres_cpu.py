"""The CPU a PostgreSQL server on this machine spends during a benchmark run, read from /proc.

Two figures, both user plus system time:

- the whole server: its postmaster and every process under it (backends of any database, WAL
  writer, checkpointer, autovacuum). A backend that exits during the run is counted too: the
  postmaster reaps it, and the kernel adds its time to the postmaster's `cutime`/`cstime`.
  Other work on the same server counts as well, so it holds on an otherwise idle server.
- the backends of one database: each backend names its database in its command line
  (`postgres: 15/main: root DATABASE 127.0.0.1(port) idle`); they are looked for every
  `EVERY` seconds, and a backend that lives shorter than that is missed. The sessions opened
  on that database in the run (`pg_stat_database.sessions`) say whether any could have been.

Neither is there when the server is on another machine: `ServerCpu.local` is then False.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from pathlib import Path

import asyncpg
from sqlalchemy import make_url

EVERY = 0.05  # seconds between looks for the database's backends
FLUSHED = 1.5  # seconds: an idle backend reports its statistics within about one
_TICK = os.sysconf("SC_CLK_TCK")


def ticks(pid: int, children: bool = False) -> int:
    """CPU ticks of `pid` (user plus system), with those of its reaped `children` if asked;
    0 when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (name) "
    spent = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return spent + (int(fields[13]) + int(fields[14]) if children else 0)  # cutime, cstime


def children_of(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(child) for child in task.read_text().split()]
        except OSError:  # gone meanwhile
            continue
    return found


def _command(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ").split()
    except OSError:
        return []


class ServerCpu:
    """`start()` before a run and `stop()` after it; `stop` gives the CPU seconds spent."""

    def __init__(self, url: str) -> None:
        """`url`: the database the benchmarked server uses; the figures are looked up from the
        server's `postgres` database, so that looking adds no session to this one."""
        parsed = make_url(url)
        assert parsed.database, f"{url} names no database"
        self.database = parsed.database
        admin = parsed.set(drivername="postgresql", database="postgres")
        self.admin = admin.render_as_string(hide_password=False)
        self.postmaster = asyncio.run(_postmaster(self.admin))
        self.local = self.postmaster is not None
        self._first: dict[int, int] = {}  # backend → its ticks when first seen
        self._last: dict[int, int] = {}  # backend → its ticks when last seen
        self._done = threading.Event()
        self._watcher = threading.Thread(target=self._watch, daemon=True)
        self._whole = self._sessions = 0

    def start(self) -> None:
        self._sessions = asyncio.run(_sessions(self.admin, self.database))
        self._whole = self._server_ticks()
        self._look(True)
        self._watcher.start()

    def stop(self) -> dict[str, float]:
        """`pg_cpu_s` (the whole server), `pg_backends_cpu_s` (the database's backends) and
        `pg_sessions` (opened on the database in the run)."""
        self._done.set()
        self._watcher.join()
        self._look(False)
        whole = self._server_ticks() - self._whole
        backends = sum(self._last[pid] - self._first.get(pid, 0) for pid in self._last)
        time.sleep(FLUSHED)
        sessions = asyncio.run(_sessions(self.admin, self.database)) - self._sessions
        return {
            "pg_cpu_s": whole / _TICK,
            "pg_backends_cpu_s": backends / _TICK,
            "pg_sessions": sessions,
        }

    def _server_ticks(self) -> int:
        assert self.postmaster is not None
        under = sum(ticks(child) for child in children_of(self.postmaster))
        return ticks(self.postmaster, children=True) + under

    def _watch(self) -> None:
        while not self._done.wait(EVERY):
            self._look(False)

    def _look(self, first: bool) -> None:
        assert self.postmaster is not None
        for pid in children_of(self.postmaster):
            if self.database not in _command(pid):
                continue
            spent = ticks(pid)
            if first:
                self._first[pid] = spent
            self._last[pid] = max(spent, self._last.get(pid, 0))


async def _postmaster(admin: str) -> int | None:
    """The postmaster's pid when the server runs on this machine (its backend is ours to see)."""
    connection = await asyncpg.connect(admin, timeout=10)
    try:
        backend = int(await connection.fetchval("SELECT pg_backend_pid()"))
        stat = Path(f"/proc/{backend}/stat").read_text()  # while the backend is there
    except OSError:
        return None
    finally:
        await connection.close()
    return int(stat[stat.rindex(")") + 2 :].split()[1])  # ppid


async def _sessions(admin: str, database: str) -> int:
    connection = await asyncpg.connect(admin, timeout=10)
    try:
        found = await connection.fetchval(
            "SELECT sessions FROM pg_stat_database WHERE datname = $1", database
        )
    finally:
        await connection.close()
    return int(found or 0)
