"""The admin's unanswered inbox: the questions of a period and a station, grouped by need,
largest need first, each with the entries understanding considered and what staff answered.

A cluster the admin marked "not ours" or "done" stays hidden until a question joins it that
came in after the mark: marks are kept on the questions, and clusters are made afresh.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.calendar.workdays import COUNTY_TIME
from bot.insights.clusters import group
from intents.normalize import normalize
from intents.understand import Understanding
from policies.loader import KnowledgeBase
from storage.models.feedback import Mark
from storage.repositories.feedback import Feedback, Missed

EXAMPLES = 5  # questions shown of a cluster
REASONS = 3  # veterans' words on what was missing, shown of a cluster
CONSIDERED = 5  # entries shown of those considered
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MEMO_SIZE = 8
# Rows whose entry is not one staff answered with: picked after a clarification, or said not to help.
_NOT_STAFF = frozenset({"clarify", "not_helpful"})


@dataclass(frozen=True, slots=True)
class Considered:
    """An entry understanding weighed for a cluster's questions: for how many, best score."""

    entry_id: str
    title: str
    count: int
    score: float


@dataclass(frozen=True, slots=True)
class Cluster:
    key: str  # "q<id of its oldest question>": names the cluster in the page
    ids: tuple[int, ...]  # its questions, newest first
    size: int
    new: int  # questions not marked yet
    mark: Mark  # the admin's mark when every question has it; "" otherwise
    examples: tuple[str, ...]
    first_seen: datetime
    last_seen: datetime
    kinds: dict[str, int]
    considered: tuple[Considered, ...]
    likely: tuple[Considered, ...]  # entries staff answered with: likely the right answer
    unhelpful: tuple[Considered, ...]  # entries whose answer the veterans said did not help
    reasons: tuple[str, ...]
    stations: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Period:
    """[since, until), None for open ends."""

    since: datetime | None = None
    until: datetime | None = None


class BadWeek(ValueError):
    """A week not written YYYY-Www (2026-W49)."""


def week(text: str) -> Period:
    """The ISO week `text` (2026-W49), Monday to Monday in the county's time."""
    found = _WEEK.match(text.strip())
    if found is None:
        raise BadWeek(f"week {text!r} is not written YYYY-Www, as 2026-W49")
    try:
        monday = date.fromisocalendar(int(found.group(1)), int(found.group(2)), 1)
    except ValueError as exc:
        raise BadWeek(f"there is no week {text!r}") from exc
    start = datetime(monday.year, monday.month, monday.day, tzinfo=COUNTY_TIME)
    return Period(start, start + timedelta(days=7))


def since_day(day: date) -> Period:
    """From the start of `day` in the county's time."""
    return Period(datetime(day.year, day.month, day.day, tzinfo=COUNTY_TIME))


def week_of(moment: datetime) -> str:
    year, number, _ = moment.astimezone(COUNTY_TIME).isocalendar()
    return f"{year}-W{number:02d}"


async def clusters(
    session: AsyncSession,
    understanding: Understanding,
    period: Period,
    stations: frozenset[str] | None,
    *,
    marked: bool = False,
) -> list[Cluster]:
    """The clusters of the period at `stations` (None: all); `marked` shows those wholly
    marked too."""
    rows = await Feedback(session).inbox(period.since, period.until, stations)
    # In a thread: a thousand different questions take a second or so (benchmarks/insights_bench).
    found = await asyncio.to_thread(build, rows, understanding)
    return found if marked else [c for c in found if not c.mark]


def build(rows: Sequence[Missed], understanding: Understanding) -> list[Cluster]:
    """Clusters of `rows` (newest first), largest first."""
    groups = _grouped(tuple(r.question for r in rows), understanding)
    made = [_cluster([rows[i] for i in sorted(g)], understanding.kb) for g in groups]
    made.sort(key=lambda c: (-c.new, -c.size, -c.last_seen.timestamp()))
    return made


_memo: dict[tuple[str, tuple[str, ...]], list[list[int]]] = {}
_memo_lock = threading.Lock()  # `build` runs in threads


def _grouped(questions: tuple[str, ...], understanding: Understanding) -> list[list[int]]:
    """`group`, remembered for the last few inputs: the page is polled every few seconds."""
    key = (understanding.kb.fingerprint, questions)
    with _memo_lock:
        found = _memo.get(key)
    if found is None:
        found = group(questions, understanding).groups
        with _memo_lock:
            if len(_memo) >= _MEMO_SIZE:
                _memo.pop(next(iter(_memo)))
            _memo[key] = found
    return found


def _cluster(rows: list[Missed], kb: KnowledgeBase) -> Cluster:
    unmarked = [r for r in rows if not r.mark]
    marks = {r.mark for r in rows}
    mark: Mark = rows[0].mark if not unmarked and len(marks) == 1 else ""
    if not unmarked and not mark:
        mark = "done"  # marked both ways over time: handled all the same
    examples: dict[str, str] = {}
    for row in rows:  # newest first, one per way of asking
        examples.setdefault(normalize(row.question) or row.question, row.question)
    weighed: dict[str, list[float]] = {}
    for row in rows:
        for entry_id, score in row.candidates:
            weighed.setdefault(entry_id, []).append(score)
    considered = sorted(
        (_considered(kb, e, len(s), max(s)) for e, s in weighed.items()),
        key=lambda c: (-c.count, -c.score, c.entry_id),
    )
    staff = Counter(r.entry_id for r in rows if r.entry_id and r.kind not in _NOT_STAFF)
    unhelpful = Counter(r.entry_id for r in rows if r.entry_id and r.kind == "not_helpful")
    return Cluster(
        key=f"q{min(r.id for r in rows)}",
        ids=tuple(r.id for r in rows),
        size=len(rows),
        new=len(unmarked),
        mark=mark,
        examples=tuple(list(examples.values())[:EXAMPLES]),
        first_seen=min(r.created_at for r in rows),
        last_seen=max(r.created_at for r in rows),
        kinds=dict(Counter(r.kind for r in rows)),
        considered=tuple(considered[:CONSIDERED]),
        likely=_counted(kb, staff, weighed),
        unhelpful=_counted(kb, unhelpful, weighed),
        reasons=tuple(dict.fromkeys(r.reason for r in rows if r.reason))[:REASONS],
        stations=dict(Counter(r.station_id or "" for r in rows)),
    )


def _counted(
    kb: KnowledgeBase, counts: Counter[str], weighed: dict[str, list[float]]
) -> tuple[Considered, ...]:
    found = [_considered(kb, e, n, max(weighed.get(e, [0.0]))) for e, n in counts.most_common()]
    return tuple(found[:CONSIDERED])


def _considered(kb: KnowledgeBase, entry_id: str, count: int, score: float) -> Considered:
    entry = kb.entry(entry_id)
    return Considered(entry_id, entry.title if entry else entry_id, count, round(score, 3))


async def mark(
    session: AsyncSession, ids: Sequence[int], decided: Mark, staff_id: int | None, now: datetime
) -> int:
    """Mark the questions of a cluster (as the admin saw it); how many were marked."""
    return await Feedback(session).mark(set(ids), decided, staff_id, now)


def as_json(cluster: Cluster) -> dict[str, object]:
    """The cluster as the page and `vetbot insights unanswered --json` show it."""
    return {
        "key": cluster.key,
        "ids": list(cluster.ids),
        "size": cluster.size,
        "new": cluster.new,
        "mark": cluster.mark,
        "examples": list(cluster.examples),
        "first_seen": cluster.first_seen.isoformat(),
        "last_seen": cluster.last_seen.isoformat(),
        "kinds": cluster.kinds,
        "considered": [_entry_json(c) for c in cluster.considered],
        "likely": [_entry_json(c) for c in cluster.likely],
        "unhelpful": [_entry_json(c) for c in cluster.unhelpful],
        "reasons": list(cluster.reasons),
        "stations": cluster.stations,
    }


def _entry_json(found: Considered) -> dict[str, object]:
    return {
        "entry_id": found.entry_id,
        "title": found.title,
        "count": found.count,
        "score": found.score,
    }
