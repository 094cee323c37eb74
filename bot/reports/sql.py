"""The expressions a report needs that SQLite and PostgreSQL spell differently.

Timestamps are stored in UTC (`storage.models.base.UTCDateTime`): SQLite keeps them as text
('2026-12-01 02:00:00.000000'), PostgreSQL as `timestamptz`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Float, Select, func, literal_column, select
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Subquery

COUNTY_OFFSET_HOURS = 8  # bot.calendar.workdays.COUNTY_TIME: China keeps UTC+8 all year


def county_day(dialect: str, column: ColumnElement[Any] | Any) -> ColumnElement[Any]:
    """The county date of a UTC timestamp (read back with `as_date`)."""
    if dialect == "sqlite":
        return func.date(column, f"+{COUNTY_OFFSET_HOURS} hours")
    shifted = func.timezone("UTC", column) + literal_column(
        f"interval '{COUNTY_OFFSET_HOURS} hours'"
    )
    return func.date(shifted)


def as_date(value: object) -> date:
    """What `county_day` gives back: a date on PostgreSQL, 'YYYY-MM-DD' text on SQLite."""
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def seconds_between(dialect: str, start: Any, end: Any) -> ColumnElement[float]:
    """Wall-clock seconds from `start` to `end`."""
    if dialect == "sqlite":
        days = func.julianday(end) - func.julianday(start)
        return (days * 86400.0).cast(Float)
    return func.extract("epoch", end - start).cast(Float)


def medians(values: Subquery, keys: tuple[str, ...]) -> Select[Any]:
    """The median of `values.c.value` for each group of `keys` columns of `values`: the middle
    row (or the mean of the middle two) by a window over each group, in one statement that
    runs alike on SQLite (3.25 and later) and PostgreSQL. Rows: the keys, then the median."""
    group = [values.c[k] for k in keys]
    ranked = select(
        *group,
        values.c.value,
        func.row_number().over(partition_by=group, order_by=values.c.value).label("rank"),
        func.count().over(partition_by=group).label("size"),
    ).subquery("ranked")
    rank, size = ranked.c.rank, ranked.c.size
    middle = rank.between((size + 1) // 2, (size + 2) // 2)
    return (
        select(*(ranked.c[k] for k in keys), func.avg(ranked.c.value))
        .where(middle)
        .group_by(*(ranked.c[k] for k in keys))
    )
