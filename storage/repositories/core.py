"""Core statements on a session's connection, in one call each.

`AsyncSession.execute` takes a statement through the ORM's execution and a greenlet hand-over
per call; the statements every turn runs are plain Core, built once, and run here on the
session's own connection (same transaction) at a fraction of that cost.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Executable, Table
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.base import Base


def table(model: type[Base]) -> Table:
    """The table of a mapped class (its `__table__`, which the types call any FROM clause)."""
    found = model.__table__
    assert isinstance(found, Table), f"{model.__name__} is not mapped to one table"
    return found


async def scalar(session: AsyncSession, statement: Executable, params: Mapping[str, Any]) -> Any:
    """The first column of the first row `statement` returns, or None."""
    return await session.run_sync(lambda s: s.connection().execute(statement, params).scalar())


async def first(
    session: AsyncSession, statement: Executable, params: Mapping[str, Any]
) -> tuple[Any, ...] | None:
    """The first row `statement` returns, or None."""

    def run(sync: Any) -> tuple[Any, ...] | None:
        row = sync.connection().execute(statement, params).first()
        return None if row is None else tuple(row)

    return await session.run_sync(run)
