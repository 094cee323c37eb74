"""Shared fixtures: a fresh, migrated database per test on SQLite and on a real PostgreSQL.

PostgreSQL is looked for at 127.0.0.1:5432, database `test`, user root or postgres (trust
auth), or at VETBOT_TEST_POSTGRES_URL. Each test gets its own schema, dropped afterwards.

Tests mirror the packages (tests/bot/conversation tests bot/conversation). A bug fixed gets a
regression test named for what broke, `test_<what broke>`, as
`test_someone_elses_contact_is_not_taken_as_the_users_phone` does.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from storage import migrate
from storage.database import Database

PG_CANDIDATES = [
    "postgresql://root@127.0.0.1:5432/test",
    "postgresql://postgres@127.0.0.1:5432/test",
]
_pg_url: list[str | None] = []  # memo: [] until probed, then [url or None]


async def postgres_url() -> str | None:
    """The URL of a PostgreSQL server that answers, or None."""
    if not _pg_url:
        override = os.environ.get("VETBOT_TEST_POSTGRES_URL")
        found = None
        for url in [override] if override else PG_CANDIDATES:
            try:
                connection = await asyncpg.connect(url, timeout=3)
            except (OSError, asyncpg.PostgresError, TimeoutError):
                continue
            await connection.close()
            found = url
            break
        _pg_url.append(found)
    return _pg_url[0]


async def require_postgres() -> str:
    url = await postgres_url()
    if url is None:
        pytest.skip(
            "no PostgreSQL server answers at 127.0.0.1:5432 (database 'test', user root or "
            "postgres); set VETBOT_TEST_POSTGRES_URL to run the PostgreSQL half"
        )
    return url


async def _schema(url: str, sql: str) -> None:
    connection = await asyncpg.connect(url, timeout=10)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def fresh_database(kind: str, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated, empty database of `kind` ('sqlite' or 'postgresql'), removed afterwards."""
    if kind == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'vetbot-test.db'}")
        await migrate.upgrade(database)
        try:
            yield database
        finally:
            await database.dispose()
        return
    url = await require_postgres()
    schema = f"test_{secrets.token_hex(6)}"
    await _schema(url, f'CREATE SCHEMA "{schema}"')
    database = Database(url, search_path=schema)
    try:
        await migrate.upgrade(database)
        yield database
    finally:
        await database.dispose()
        await _schema(url, f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(autouse=True, scope="session")
def development_data_key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Settings without a data key make a development key file (web identities are signed with
    a key derived from it): in a folder of the test run, never the developer's var/data.key.
    Servers started as child processes inherit it."""
    with pytest.MonkeyPatch.context() as patch:
        folder = tmp_path_factory.mktemp("data-key")
        patch.setenv("VETBOT_DATA_KEY_FILE", str(folder / "data.key"))
        yield


DATABASES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(params=DATABASES)
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    async for db in fresh_database(request.param, tmp_path):
        yield db


@pytest.fixture
async def sqlite_database(tmp_path: Path) -> AsyncIterator[Database]:
    async for db in fresh_database("sqlite", tmp_path):
        yield db
