"""INSERT … ON CONFLICT for whichever database the session talks to."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Executable, Table, bindparam
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
    statement = _ignoring(session, model, tuple(values), tuple(conflict))
    # Core on the session's connection: the ORM's bulk-insert path costs several times more.
    rowcount = await session.run_sync(
        lambda s: core.execute(s.connection(), statement, values).rowcount
    )
    return bool(rowcount)


# (database kind, table, columns given, conflict columns) → the statement, built once
_IGNORING: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], Executable] = {}


def _ignoring(
    session: AsyncSession, model: type[Base], names: tuple[str, ...], conflict: tuple[str, ...]
) -> Executable:
    """INSERT … ON CONFLICT DO NOTHING of the columns `names`, their values as parameters."""
    key = (session.get_bind().dialect.name, model.__tablename__, names, conflict)
    statement = _IGNORING.get(key)
    if statement is None:
        inserting = insert_for(session, core.table(model))
        statement = inserting.values({name: bindparam(name) for name in names})
        statement = statement.on_conflict_do_nothing(index_elements=list(conflict))
        _IGNORING[key] = statement
    return statement


def insert_for(
    session: AsyncSession, model: type[Base] | Table
) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into `model` with the ON CONFLICT clauses of the session's database (SQLite's
    and PostgreSQL's take the same arguments)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)
