"""Core statements on a session's connection, in one call each.

`AsyncSession.execute` takes a statement through the ORM's execution and a greenlet hand-over
per call; the statements every turn runs are plain Core, built once, and run here on the
session's own connection (same transaction) at a fraction of that cost.

On a SQLite file (`storage/inline_sqlite.py`, where SQLite is called on the loop's own thread)
`execute` goes one step further: each statement is compiled by SQLAlchemy once per set of
parameter names, and then run straight on the sqlite3 connection under the session's
transaction, with SQLAlchemy's own bind and result processors (UTC timestamps, JSON) applied
to the values. SQLAlchemy's per-execution machinery (execution context, parameter
construction, cursor adaptation, result objects) cost several times what SQLite itself
spends on a turn's statements (`benchmarks/README.md`). Errors are SQLAlchemy's as before
(`IntegrityError` for a key stored twice). Anything this path does not cover (Python-side
column defaults, expanding IN lists, another database) runs through SQLAlchemy as it comes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Executable, Table
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.inline_sqlite import InlineConnection
from storage.models.base import Base

Params = Mapping[str, Any]
_Processor = Callable[[Any], Any] | None


def table(model: type[Base]) -> Table:
    """The table of a mapped class (its `__table__`, which the types call any FROM clause)."""
    found = model.__table__
    assert isinstance(found, Table), f"{model.__name__} is not mapped to one table"
    return found


@dataclass(frozen=True, slots=True)
class Rows:
    """What a statement gave back: its rows (RETURNING or SELECT) and the rows it changed."""

    rows: list[tuple[Any, ...]]
    rowcount: int

    def first(self) -> tuple[Any, ...] | None:
        return self.rows[0] if self.rows else None

    def scalar(self) -> Any:
        return self.rows[0][0] if self.rows else None


def execute(
    connection: Connection, statement: Executable, params: Params | Sequence[Params]
) -> Rows:
    """Run `statement` with `params` (one mapping, or a list for an executemany) on
    `connection`, in its transaction."""
    many = not isinstance(params, Mapping)
    each: list[Params] = list(params) if not isinstance(params, Mapping) else [params]
    raw = _inline(connection) if each else None
    if many and any(row.keys() != each[0].keys() for row in each):
        raw = None  # rows of different columns: SQLAlchemy says what is missing
    prepared = None if raw is None else _prepared(statement, connection, each[0])
    if raw is None or prepared is None or (many and prepared.returns):
        result = connection.execute(statement, each if many else each[0])
        rows = [tuple(row) for row in result] if result.returns_rows else []
        return Rows(rows, result.rowcount)
    try:
        cursor = raw.cursor()
        try:
            if many:
                cursor.executemany(prepared.sql, [prepared.bind(row) for row in each])
                return Rows([], cursor.rowcount)
            cursor.execute(prepared.sql, prepared.bind(each[0]))
            rows = [prepared.row(row) for row in cursor.fetchall()] if prepared.returns else []
            return Rows(rows, cursor.rowcount)
        finally:
            cursor.close()
    except sqlite3.Error as exc:
        raise DBAPIError.instance(
            prepared.sql, each if many else each[0], exc, sqlite3.Error, dialect=connection.dialect
        ) from exc


async def scalar(session: AsyncSession, statement: Executable, params: Params) -> Any:
    """The first column of the first row `statement` returns, or None."""
    return await session.run_sync(lambda s: execute(s.connection(), statement, params).scalar())


async def first(
    session: AsyncSession, statement: Executable, params: Params
) -> tuple[Any, ...] | None:
    """The first row `statement` returns, or None."""
    return await session.run_sync(lambda s: execute(s.connection(), statement, params).first())


@dataclass(frozen=True, slots=True)
class _Prepared:
    sql: str
    binds: tuple[tuple[str, _Processor, Any], ...]  # name, processor, value when not given
    results: tuple[_Processor, ...]
    returns: bool

    def bind(self, params: Params) -> tuple[Any, ...]:
        values = []
        for name, processor, default in self.binds:
            value = params.get(name, default)
            values.append(value if processor is None else processor(value))
        return tuple(values)

    def row(self, row: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(
            value if processor is None else processor(value)
            for value, processor in zip(row, self.results, strict=True)
        )


_NOT_GIVEN = object()
# (id of the statement, dialect, parameter names) → the statement (kept, so that its id stays
# its own) and its compiled form, or None: SQLAlchemy's way
_MOST = 256  # compiled statements kept; the turn's own are a dozen
_PREPARED: dict[tuple[int, str, frozenset[str]], tuple[Executable, _Prepared | None]] = {}


def _inline(connection: Connection) -> sqlite3.Connection | None:
    """The sqlite3 connection under `connection` when it is called on this thread."""
    driver = connection.connection.driver_connection
    if isinstance(driver, InlineConnection):
        return driver._connection
    return None


def _prepared(statement: Executable, connection: Connection, params: Params) -> _Prepared | None:
    dialect = connection.dialect
    key = (id(statement), dialect.name, frozenset(params))
    found = _PREPARED.get(key)
    if found is None or found[0] is not statement:  # new, or another statement at that id
        if len(_PREPARED) >= _MOST:  # statements built on the fly, not once: start afresh
            _PREPARED.clear()
        found = _PREPARED[key] = (statement, _compile(statement, dialect, params))
    return found[1]


def _compile(statement: Executable, dialect: Dialect, params: Params) -> _Prepared | None:
    compiled: Any = statement.compile(dialect=dialect, column_keys=list(params))  # type: ignore[attr-defined]
    scalars = _scalar_defaults(compiled)
    if (
        scalars is None
        or not compiled.positional
        or compiled.literal_execute_params
        or compiled.post_compile_params
        or compiled.escaped_bind_names
    ):
        return None
    processors = compiled._bind_processors
    binds = []
    for name in compiled.positiontup:
        bind = compiled.binds[name]
        if name not in params and (bind.required or bind.callable is not None):
            return None  # a value SQLAlchemy works out at execution time
        default = scalars.get(name, bind.value) if name not in params else _NOT_GIVEN
        binds.append((name, processors.get(name), default))
    results = tuple(
        column.type._cached_result_processor(dialect, None) for column in compiled._result_columns
    )
    returns = bool(compiled._result_columns)
    if not all(callable(p) for p in [*results, *(b[1] for b in binds)] if p is not None):
        return None  # a tuple type's processors, one per element
    return _Prepared(compiled.string, tuple(binds), results, returns)


def _scalar_defaults(compiled: Any) -> dict[str, Any] | None:
    """The values of the columns SQLAlchemy fills in itself for this INSERT or UPDATE (a
    column's constant default), or None when one is worked out at execution time."""
    found = {}
    for column, default in [(c, c.default) for c in compiled.insert_prefetch] + [
        (c, c.onupdate) for c in compiled.update_prefetch
    ]:
        if default is None or not default.is_scalar:
            return None
        if column.key not in compiled.positiontup:
            return None
        found[column.key] = default.arg
    return found
