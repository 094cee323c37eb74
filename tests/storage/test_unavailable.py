"""A database that does not answer is reported as StorageUnavailable, never as a crash."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from storage.database import Database
from storage.errors import StorageUnavailable
from tests.storage.blips import aiosqlite_threads_finished


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_postgres_that_refuses_connections_is_unavailable() -> None:
    database = Database(f"postgresql://nobody@127.0.0.1:{_closed_port()}/none")
    try:
        with pytest.raises(StorageUnavailable, match="unavailable"):
            await database.ping()
    finally:
        await database.dispose()


async def test_sqlite_file_that_cannot_be_opened_is_unavailable(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'missing-folder' / 'x.db'}")
    try:
        with pytest.raises(StorageUnavailable):
            await database.ping()
    finally:
        await database.dispose()
        await aiosqlite_threads_finished()
