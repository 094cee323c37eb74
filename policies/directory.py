"""Checks across the station directory and the request forms that the schema alone cannot make.

The schema checks each value; these check how values fit together (the hierarchy, names used
twice, settings that only mean something for one field type), each reported at its line.
"""

from __future__ import annotations

from typing import Protocol

from policies.schema import RequestType, Station
from policies.yamlsource import Source

MAX_SLOTS = 8  # a day cut finer than this is a clock-time booking, which needs known hours


class Report(Protocol):
    def add(self, path: str, line: int, message: str, warning: bool = False) -> None: ...


def check_stations(report: Report, stations: list[Station], source: Source) -> None:
    ids: dict[str, int] = {}
    for index, station in enumerate(stations):
        line = source.line_of(("stations", index))
        if station.id in ids:
            report.add(source.path, line, f"duplicate station id '{station.id}'")
        ids[station.id] = index
    by_id = {s.id: s for s in stations}
    counties = [s for s in stations if s.level == "county"]
    if len(counties) != 1:
        report.add(
            source.path, 1, f"exactly one county-level station is needed, found {len(counties)}"
        )
    expected_parent = {"town": "county", "village": "town"}
    _check_names(report, stations, source)
    for index, station in enumerate(stations):
        _check_booking(report, station, source, index)
        _check_on_record(report, station, source, index)
        line = source.line_of(("stations", index, "parent"))
        if station.level == "county":
            if station.parent:
                report.add(source.path, line, "the county station has no parent")
            continue
        parent = by_id.get(station.parent or "")
        if parent is None:
            report.add(
                source.path, line, f"station '{station.id}' has unknown parent {station.parent!r}"
            )
        elif parent.level != expected_parent[station.level]:
            report.add(
                source.path,
                line,
                f"a {station.level} station's parent must be a {expected_parent[station.level]} "
                f"station, '{parent.id}' is {parent.level}",
            )
        elif not parent.on_record and station.on_record:
            report.add(
                source.path,
                line,
                f"station '{station.id}' is under '{parent.id}', which is not on record; "
                f"put '{parent.id}' on record first",
            )


def _check_names(report: Report, stations: list[Station], source: Source) -> None:
    """A name or alias of two stations: the one the user meant could not be told."""
    owner: dict[str, str] = {}
    for index, station in enumerate(stations):
        for name in dict.fromkeys([station.name, *station.aliases]):
            other = owner.setdefault(name, station.id)
            if other != station.id:
                line = source.line_of(("stations", index))
                report.add(
                    source.path, line, f"'{name}' names both station '{other}' and '{station.id}'"
                )


def _check_on_record(report: Report, station: Station, source: Source, index: int) -> None:
    """Details of a station not on record would never be used: the one above it serves."""
    if station.on_record:
        return
    line = source.line_of(("stations", index, "on_record"))
    if station.level == "county":
        report.add(source.path, line, "the county station is always on record")
        return
    given = [
        name
        for name in (
            "address",
            "phone",
            "hours",
            "services",
            "booking_capacity",
            "wecom_webhook",
            "telegram_chat",
        )
        if getattr(station, name)
    ]
    if given:
        report.add(
            source.path,
            line,
            f"station '{station.id}' is not on record but has {', '.join(given)}; "
            "remove `on_record: false` once its station is in the directory",
        )


def _check_booking(report: Report, station: Station, source: Source, index: int) -> None:
    for name in ("slots", "services"):
        items: list[str] = getattr(station, name)
        if len(set(items)) != len(items):
            line = source.line_of(("stations", index, name))
            report.add(source.path, line, f"station '{station.id}' lists the same {name} twice")
    if len(station.slots) > MAX_SLOTS:
        line = source.line_of(("stations", index, "slots"))
        report.add(
            source.path,
            line,
            f"station '{station.id}' has {len(station.slots)} slots a day; at most {MAX_SLOTS}",
        )
    if station.booking_capacity > 0 and not station.services:
        line = source.line_of(("stations", index, "booking_capacity"))
        report.add(
            source.path,
            line,
            f"station '{station.id}' takes bookings but lists no services to book; "
            "add `services` or set booking_capacity to 0",
        )


def check_requests(report: Report, types: list[RequestType], source: Source) -> None:
    seen: set[str] = set()
    for index, request_type in enumerate(types):
        if request_type.id in seen:
            report.add(
                source.path,
                source.line_of(("request_types", index)),
                f"duplicate request type id '{request_type.id}'",
            )
        seen.add(request_type.id)
        names: set[str] = set()
        for f_index, form_field in enumerate(request_type.fields):
            line = source.line_of(("request_types", index, "fields", f_index))
            if form_field.name in names:
                report.add(source.path, line, f"field '{form_field.name}' appears twice")
            names.add(form_field.name)
            if form_field.type == "choice" and len(form_field.choices) < 2:
                report.add(source.path, line, "a choice field needs at least two choices")
            if form_field.type != "choice" and form_field.choices:
                report.add(
                    source.path,
                    line,
                    f"only choice fields have choices; this is a {form_field.type}",
                )
            if form_field.type != "date" and form_field.date_range != "any":
                report.add(
                    source.path,
                    line,
                    f"only date fields have a date_range; this is a {form_field.type}",
                )
        if not request_type.fields:
            report.add(
                source.path,
                source.line_of(("request_types", index)),
                f"request type '{request_type.id}' has no fields to ask",
            )
