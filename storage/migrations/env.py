"""Alembic environment: run migrations on the connection `storage.migrate` hands over."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from storage.database import Database
from storage.models import Base

config = context.config


def _run(connection: Connection) -> None:
    # Batch mode rebuilds SQLite tables for ALTERs it lacks; PostgreSQL alters in place.
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_own_connection(url: str) -> None:
    database = Database(url)
    try:
        async with database.engine.begin() as connection:
            await connection.run_sync(_run)
    finally:
        await database.dispose()


if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=Base.metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()
elif (shared := config.attributes.get("connection")) is not None:
    _run(shared)
else:
    # Only the `alembic` command line gets here (no loop is running there).
    asyncio.run(_run_own_connection(config.get_main_option("sqlalchemy.url") or ""))
