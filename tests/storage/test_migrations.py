"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection

from storage import migrate
from storage.database import Database
from storage.models import Base


async def test_upgrade_reaches_head_and_is_idempotent(database: Database) -> None:
    assert await migrate.current(database) == migrate.head()
    await migrate.upgrade(database)  # a second start must be a no-op, not an error
    assert await migrate.current(database) == migrate.head()


async def test_migrated_schema_matches_the_models(database: Database) -> None:
    def differences(connection: Connection) -> list[object]:
        return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))

    async with database.connection() as connection:
        assert await connection.run_sync(differences) == []


async def test_downgrade_then_upgrade_again(database: Database) -> None:
    await migrate.downgrade(database, "base")
    assert await migrate.current(database) is None
    await migrate.upgrade(database)
    assert await migrate.current(database) == migrate.head()
