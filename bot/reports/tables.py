"""A report as titled tables, headers and names in the reader's language: what the console
shows under its charts, and what CSV and XLSX carry (one sheet per table)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from bot.messages import Catalogue, catalogue
from bot.reports.rows import KINDS, REQUEST_STATES, VISIT_STATES, Questions, Report, rate
from policies.loader import KnowledgeBase

Cell = str | int | float | None
SECTIONS: Final = (
    "overview",
    "channels",
    "questions",
    "daily",
    "topics",
    "requests",
    "bookings",
    "tickets",
    "escalations",
    "ratings",
)


@dataclass(frozen=True, slots=True)
class Table:
    key: str  # one of SECTIONS
    title: str
    columns: list[str]
    rows: list[list[Cell]]


def percent(share: float | None) -> float | None:
    """A share (0.8571) as the percentage people read (85.7)."""
    return None if share is None else round(share * 100, 1)


class Names:
    """Stations, request types, channels and states as the reader calls them."""

    def __init__(self, kb: KnowledgeBase, lang: str, messages: Catalogue | None = None) -> None:
        self.kb, self.lang = kb, lang
        self.messages = messages or catalogue()

    def text(self, key: str, **params: object) -> str:
        return self.messages.text(self.lang, key, **params)

    def station(self, station_id: str) -> str:
        station = self.kb.station(station_id)
        if station is None:
            return station_id
        return station.name_en if self.lang == "en" and station.name_en else station.name

    def request_type(self, type_id: str) -> str:
        found = self.kb.request_type(type_id)
        if found is None:
            return type_id
        return found.title.en if self.lang == "en" and found.title.en else found.title.zh

    def channel(self, channel: str) -> str:
        return self.messages.texts.get(self.lang, {}).get(
            f"staff.reports.channel.{channel}", channel
        )

    def column(self, name: str) -> str:
        return self.text(f"staff.reports.col.{name}")


def tables(report: Report, names: Names) -> list[Table]:
    """Every section of `report`, in `SECTIONS` order."""
    made: dict[str, Callable[[Report, Names], tuple[list[str], list[list[Cell]]]]] = {
        "overview": _overview,
        "channels": _channels,
        "questions": _questions,
        "daily": _daily,
        "topics": _topics,
        "requests": _requests,
        "bookings": _bookings,
        "tickets": _tickets,
        "escalations": _escalations,
        "ratings": _ratings,
    }
    found = []
    for key in SECTIONS:
        columns, rows = made[key](report, names)
        title = names.text(f"staff.reports.section.{key}")
        found.append(Table(key, title, [names.column(c) for c in columns], rows))
    return found


def _overview(report: Report, names: Names) -> tuple[list[str], list[list[Cell]]]:
    q = report.questions
    ratings = sum(r.count for r in report.ratings)
    stars = sum(n * c for r in report.ratings for n, c in r.stars.items())
    scope = names.text("staff.reports.all_stations")
    if report.station is not None:
        scope = names.station(report.station)
    figures: list[tuple[str, Cell]] = [
        ("period", report.period.describe()),
        ("scope", scope),
        ("conversations", report.conversations),
        ("messages", report.messages),
        ("questions", q.total),
        *((kind, q.kinds[kind]) for kind in KINDS),
        ("containment", percent(q.containment)),
        ("requests_filed", sum(r.filed for r in report.requests)),
        ("requests_done", sum(r.states["done"] for r in report.requests)),
        ("bookings_made", sum(b.made for b in report.bookings)),
        ("visits_attended", sum(b.visits["attended"] for b in report.bookings)),
        ("visits_no_show", sum(b.visits["no_show"] for b in report.bookings)),
        ("tickets_opened", sum(t.opened for t in report.tickets)),
        ("tickets_resolved", sum(t.resolved for t in report.tickets)),
        ("escalations", sum(e.count for e in report.escalations)),
        ("ratings", ratings),
        ("rating_average", round(stars / ratings, 2) if ratings else None),
    ]
    rows: list[list[Cell]] = [[names.text(f"staff.reports.figure.{k}"), v] for k, v in figures]
    return ["figure", "value"], rows


def _channels(report: Report, names: Names) -> tuple[list[str], list[list[Cell]]]:
    rows: list[list[Cell]] = [
        [names.channel(r.channel), r.conversations, r.messages_in, r.messages_out]
        for r in report.channels
    ]
    return ["channel", "conversations", "messages_in", "messages_out"], rows


def _questions(report: Report, names: Names) -> tuple[list[str], list[list[Cell]]]:
    q = report.questions
    rows: list[list[Cell]] = [
        [
            names.text(f"staff.reports.figure.{kind}"),
            q.kinds[kind],
            percent(rate(q.kinds[kind], q.total)),
        ]
        for kind in KINDS
    ]
    return ["kind", "count", "share"], rows


def _day_cells(q: Questions) -> list[Cell]:
    return [q.total, *(q.kinds[kind] for kind in KINDS), percent(q.containment)]


def _daily(report: Report, names: Names) -> tuple[list[str], list[list[Cell]]]:
    rows: list[list[Cell]] = [[d.day.isoformat(), *_day_cells(d.questions)] for d in report.daily]
    return ["day", "questions", *KINDS, "containment"], rows


def _topics(report: Report, names: Names) -> tuple[list[str], list[list[Cell]]]:
    rows: list[list[Cell]] = [[t.entry_id, t.title, t.count] for t in report.topics]
    return ["entry", "title", "count"], rows


def _requests(report: Report, names: Names) -> tuple[list[str], list[list[Cell]]]:
    rows: list[list[Cell]] = [
        [
            names.request_type(r.type_id),
            names.station(r.station_id),
            r.filed,
            *(r.states[s] for s in REQUEST_STATES),
            r.median_days_to_done,
        ]
        for r in report.requests
    ]
    states = [f"state_{s}" for s in REQUEST_STATES]
    return ["request_type", "station", "filed", *states, "median_days_to_done"], rows


def _bookings(report: Report, names: Names) -> tuple[list[str], list[list[Cell]]]:
    rows: list[list[Cell]] = [
        [names.station(b.station_id), b.made, b.due, *(b.visits[s] for s in VISIT_STATES)]
        for b in report.bookings
    ]
    return ["station", "made", "due", *(f"visit_{s}" for s in VISIT_STATES)], rows


def _tickets(report: Report, names: Names) -> tuple[list[str], list[list[Cell]]]:
    rows: list[list[Cell]] = [
        [
            names.station(t.station_id),
            t.opened,
            t.resolved,
            t.still_open,
            t.replied,
            t.median_hours_to_first_reply,
            t.median_hours_to_resolution,
        ]
        for t in report.tickets
    ]
    columns = ["station", "opened", "resolved", "still_open", "replied"]
    return [*columns, "median_hours_to_first_reply", "median_hours_to_resolution"], rows


def _escalations(report: Report, names: Names) -> tuple[list[str], list[list[Cell]]]:
    rows: list[list[Cell]] = [
        [names.station(e.from_station), names.station(e.to_station), e.count]
        for e in report.escalations
    ]
    return ["from_station", "to_station", "count"], rows


def _ratings(report: Report, names: Names) -> tuple[list[str], list[list[Cell]]]:
    rows: list[list[Cell]] = [
        [names.station(r.station_id), r.count, r.average, *(r.stars[n] for n in range(1, 6))]
        for r in report.ratings
    ]
    return ["station", "count", "average", "star_1", "star_2", "star_3", "star_4", "star_5"], rows
