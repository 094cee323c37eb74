"""INSERT … ON CONFLICT for whichever database the session talks to."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.base import Base
from storage.repositories import core


async def insert_ignoring_conflict(
    session: AsyncSession, model: type[Base], values: dict[str, Any], conflict: list[str]
) -> bool:
    """Insert one row unless `conflict` columns already match one; True when a row was added.

    Get-or-create by "select, then insert" races between two server processes; letting the
    unique constraint decide does not.
    """
    statement = insert_for(session, core.table(model)).values(**values)
    statement = statement.on_conflict_do_nothing(index_elements=conflict)
    # Core on the session's connection: the ORM's bulk-insert path costs several times more.
    rowcount = await session.run_sync(lambda s: s.connection().execute(statement).rowcount)
    return bool(rowcount)


def insert_for(
    session: AsyncSession, model: type[Base] | Table
) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into `model` with the ON CONFLICT clauses of the session's database (SQLite's
    and PostgreSQL's take the same arguments)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)
