"""Which stations a report counts, and the report itself for a caller (CLI or console)."""

from __future__ import annotations

from bot.calendar.hours import WorkingHours
from bot.reports.figures import build
from bot.reports.period import Period
from bot.reports.rows import Report
from bot.staff.routing import subtree
from policies.loader import KnowledgeBase
from storage.database import Database


class UnknownStation(ValueError):
    """A station id that is not in policies/stations.yaml (or not one the reader sees)."""


def stations_of(
    kb: KnowledgeBase, station: str | None, visible: frozenset[str] | None = None
) -> frozenset[str] | None:
    """The stations counted: `station` and those under it (None: all), within `visible` (what
    the reader sees; None: everything). A station outside `visible` is as unknown as one that
    does not exist."""
    if station is None:
        return visible
    if kb.station(station) is None or (visible is not None and station not in visible):
        known = ", ".join(s.id for s in kb.stations if visible is None or s.id in visible)
        raise UnknownStation(f"there is no station {station!r}; stations are: {known}")
    below = subtree(kb, station)
    return below if visible is None else below & visible


async def report(
    database: Database,
    kb: KnowledgeBase,
    hours: WorkingHours,
    period: Period,
    *,
    station: str | None = None,
    visible: frozenset[str] | None = None,
) -> Report:
    """The report of `period` for `station` and the stations under it (or all `visible`)."""
    stations = stations_of(kb, station, visible)
    async with database.transaction() as session:
        return await build(session, kb, period, hours, stations=stations, station=station)
