"""The SQLite file holds names, phones and conversations: it, its WAL and its shared memory
are made for their owner only, and a start on a file others can read says so (bug: SQLite made
them 0644, readable by every user of the machine)."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from storage import migrate
from storage.database import Database


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The usual umask (022), whatever the test runner's."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("open_umask")
async def test_the_database_and_its_wal_are_made_for_their_owner_only(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'vetbot.db'}")
    try:
        await migrate.upgrade(database)
        async with database.transaction() as session:
            await session.execute(text("SELECT count(*) FROM conversations"))
        made = sorted(p.name for p in tmp_path.iterdir())
        assert made == ["vetbot.db", "vetbot.db-shm", "vetbot.db-wal"]
        assert {name: mode(tmp_path / name) for name in made} == dict.fromkeys(made, 0o600)
    finally:
        await database.dispose()


@pytest.mark.usefixtures("open_umask")
async def test_a_database_others_can_read_is_warned_about_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "vetbot.db"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)
    with caplog.at_level(logging.WARNING, logger="storage.database"):
        database = Database(f"sqlite:///{path}")
    await database.dispose()
    assert "can be read by other users" in caplog.text and "chmod 600" in caplog.text
    caplog.clear()
    os.chmod(path, 0o600)
    with caplog.at_level(logging.WARNING, logger="storage.database"):
        await Database(f"sqlite:///{path}").dispose()
    assert caplog.text == ""
