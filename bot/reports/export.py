"""A report written out: CSV (every section one after another, for a spreadsheet), XLSX (one
sheet per section, headers in the reader's language; opens in WPS and Excel) or JSON."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any, Final, Literal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bot.reports.rows import Report
from bot.reports.tables import Names, Table, tables

Format = Literal["csv", "xlsx", "json"]
FORMATS: Final[tuple[Format, ...]] = ("csv", "xlsx", "json")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def to_csv(report: Report, names: Names) -> bytes:
    """Each section as its title, its header row and its rows, a blank row between sections.
    UTF-8 with a byte-order mark, so Excel and WPS read the Chinese right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for number, table in enumerate(tables(report, names)):
        if number:
            writer.writerow([])
        writer.writerow([table.title])
        writer.writerow(table.columns)
        writer.writerows(["" if cell is None else cell for cell in row] for row in table.rows)
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(report: Report, names: Names) -> bytes:
    """One sheet per section, named by its title; the header row bold and frozen."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    book.properties.title = names.text("staff.reports.file_title", period=report.period.describe())
    for table in tables(report, names):
        _sheet(book, table)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet(book: Workbook, table: Table) -> None:
    sheet = book.create_sheet(_SHEET_FORBIDDEN.sub(" ", table.title)[:31])
    sheet.append(table.columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    for index, header in enumerate(table.columns, start=1):
        longest = max([_width(header), *(_width(row[index - 1]) for row in table.rows)])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, longest + 2)


def _width(value: object) -> int:
    # A Chinese character takes about two columns of a spreadsheet.
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def to_json(report: Report, names: Names) -> bytes:
    return json.dumps(as_json(report, names), ensure_ascii=False, indent=2).encode("utf-8")


def write(report: Report, names: Names, fmt: Format) -> bytes:
    if fmt == "csv":
        return to_csv(report, names)
    if fmt == "xlsx":
        return to_xlsx(report, names)
    return to_json(report, names)


def as_json(report: Report, names: Names) -> dict[str, Any]:
    """The figures by id and number, for other programs (`vetbot report … --format json`)."""
    q = report.questions
    return {
        "period": {
            "first": report.period.first.isoformat(),
            "last": report.period.last.isoformat(),
        },
        "station": report.station,
        "stations": None if report.stations is None else sorted(report.stations),
        "generated_at": report.generated_at.isoformat(),
        "conversations": report.conversations,
        "messages": report.messages,
        "channels": [
            {
                "channel": r.channel,
                "conversations": r.conversations,
                "messages_in": r.messages_in,
                "messages_out": r.messages_out,
            }
            for r in report.channels
        ],
        "questions": {
            **q.kinds,
            "total": q.total,
            "contained": q.contained,
            "containment": q.containment,
        },
        "daily": [
            {
                "day": d.day.isoformat(),
                **d.questions.kinds,
                "total": d.questions.total,
                "containment": d.questions.containment,
            }
            for d in report.daily
        ],
        "topics": [
            {"entry_id": t.entry_id, "title": t.title, "count": t.count} for t in report.topics
        ],
        "requests": [
            {
                "type_id": r.type_id,
                "station_id": r.station_id,
                "station": names.station(r.station_id),
                "filed": r.filed,
                "states": r.states,
                "median_days_to_done": r.median_days_to_done,
            }
            for r in report.requests
        ],
        "bookings": [
            {
                "station_id": b.station_id,
                "station": names.station(b.station_id),
                "made": b.made,
                "due": b.due,
                "visits": b.visits,
            }
            for b in report.bookings
        ],
        "tickets": [
            {
                "station_id": t.station_id,
                "station": names.station(t.station_id),
                "opened": t.opened,
                "resolved": t.resolved,
                "still_open": t.still_open,
                "replied": t.replied,
                "median_working_hours_to_first_reply": t.median_hours_to_first_reply,
                "median_working_hours_to_resolution": t.median_hours_to_resolution,
            }
            for t in report.tickets
        ],
        "escalations": [
            {"from_station_id": e.from_station, "to_station_id": e.to_station, "count": e.count}
            for e in report.escalations
        ],
        "ratings": [
            {
                "station_id": r.station_id,
                "station": names.station(r.station_id),
                "count": r.count,
                "average": r.average,
                "stars": {str(n): c for n, c in r.stars.items()},
            }
            for r in report.ratings
        ],
    }
