"""Which station's queue a ticket belongs in, and the station tree it moves up.

Levels rank county (0) above town (1) above village (2). A ticket for work handled at level L
goes to the user's own station, or the nearest station above it that works at level L or
higher; urgent tickets go straight to the county centre. Without a known home station, or
with a township whose station is not on record (`on_record: false`), the county centre takes it.
"""

from __future__ import annotations

from policies.loader import KnowledgeBase
from policies.schema import Level, Station

RANK: dict[str, int] = {"county": 0, "town": 1, "village": 2}


def route(kb: KnowledgeBase, home: str | None, level: Level, *, urgent: bool = False) -> Station:
    county = kb.county_station()
    if urgent:
        return county
    station = kb.serving(home) if home else None  # a township not on record: the county
    while station is not None and RANK[station.level] > RANK[level]:
        station = parent(kb, station.id)
    return station or county


def parent(kb: KnowledgeBase, station_id: str) -> Station | None:
    """The station one level up; None at the county centre (or for an unknown station)."""
    station = kb.station(station_id)
    if station is None or not station.parent:
        return None
    return kb.station(station.parent)


def subtree(kb: KnowledgeBase, station_id: str) -> frozenset[str]:
    """The station and every station below it."""
    found, todo = {station_id}, [station_id]
    while todo:
        for child in kb.children(todo.pop()):
            if child.id not in found:  # a cycle is a validation error, but never loop on one
                found.add(child.id)
                todo.append(child.id)
    return frozenset(found)
