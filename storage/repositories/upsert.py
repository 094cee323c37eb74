"""INSERT … ON CONFLICT for whichever database the session talks to."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, Executable, Table, bindparam
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


async def insert_returning_unless_conflict(
    session: AsyncSession,
    model: type[Base],
    values: dict[str, Any],
    conflict: list[str],
    returning: Sequence[Column[Any]],
) -> tuple[Any, ...] | None:
    """`insert_ignoring_conflict` in one statement with reading the row back: the `returning`
    columns of the row inserted, or None when `conflict` columns matched one already."""
    statement = _ignoring(session, model, tuple(values), tuple(conflict), tuple(returning))
    return await core.first(session, statement, values)


# (database kind, table, columns given, conflict columns, columns returned) → the statement,
# built once
_IGNORING: dict[tuple[Any, ...], Executable] = {}


def _ignoring(
    session: AsyncSession,
    model: type[Base],
    names: tuple[str, ...],
    conflict: tuple[str, ...],
    returning: tuple[Column[Any], ...] = (),
) -> Executable:
    """INSERT … ON CONFLICT DO NOTHING of the columns `names`, their values as parameters,
    RETURNING the `returning` columns if any."""
    kind = session.get_bind().dialect.name
    key = (kind, model.__tablename__, names, conflict, tuple(c.name for c in returning))
    statement = _IGNORING.get(key)
    if statement is None:
        inserting = insert_for(session, core.table(model))
        built = inserting.values({name: bindparam(name) for name in names})
        built = built.on_conflict_do_nothing(index_elements=list(conflict))
        statement = _IGNORING[key] = built.returning(*returning) if returning else built
    return statement


def insert_for(
    session: AsyncSession, model: type[Base] | Table
) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into `model` with the ON CONFLICT clauses of the session's database (SQLite's
    and PostgreSQL's take the same arguments)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)
