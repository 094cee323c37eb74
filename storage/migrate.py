"""Apply the Alembic migrations programmatically: `vetbot db upgrade` and server start.

To add a migration after changing `storage/models/`: `vetbot db revision "what changed"`
writes a new file under storage/migrations/versions/ from the difference; read and tidy it.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection

from storage.database import Database

MIGRATIONS = Path(__file__).parent / "migrations"
_PG_LOCK = 7_215_301  # advisory lock id: two servers starting together migrate one at a time


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", str(MIGRATIONS / "versions"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


async def upgrade(database: Database, revision: str = "head") -> None:
    """Bring the schema to `revision`; safe to call on every start (a no-op when current)."""

    def run(connection: Connection) -> None:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _PG_LOCK})
        command.upgrade(_config(connection), revision)

    async with database.connection() as connection:
        await connection.run_sync(run)


async def downgrade(database: Database, revision: str) -> None:
    """Undo migrations down to `revision` ("base" removes every table vetbot made)."""

    def run(connection: Connection) -> None:
        command.downgrade(_config(connection), revision)

    async with database.connection() as connection:
        await connection.run_sync(run)


async def current(database: Database) -> str | None:
    """The revision the database is at (None before the first upgrade)."""

    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with database.connection() as connection:
        return await connection.run_sync(read)


def head() -> str:
    """The newest revision this code ships."""
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None, "storage/migrations/versions holds no migration"
    return revision


async def revision(database: Database, message: str) -> None:
    """Write a new migration from the difference between the models and the database."""

    def run(connection: Connection) -> None:
        command.revision(_config(connection), message=message, autogenerate=True)

    async with database.connection() as connection:
        await connection.run_sync(run)
