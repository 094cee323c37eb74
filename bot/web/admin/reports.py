"""The reports page, /staff/admin/reports: the bureau's figures for a month or a range of days,
for all stations (admins) or a station head's own stations, with charts drawn on the server
(SVG) and a table under each. The same figures download as XLSX or CSV.

    GET /staff/admin/reports                       the page (admin-reports.js fills it)
    GET /api/staff/admin/reports?month=2026-12     the figures, tables and charts as JSON
        &first=2026-12-01&last=2026-12-31          …or a range of days instead of a month
        &station=tongshi                           …that station and those under it
    GET /api/staff/admin/reports/file?…&format=xlsx|csv   the same as a file (audited)

A plain staff member gets 404 for all of them, as for anything they may not see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, Response

from bot.calendar.workdays import COUNTY_TIME
from bot.errors import NotVisible
from bot.reports.charts import charts, data_uri
from bot.reports.export import to_csv, to_xlsx
from bot.reports.period import Period
from bot.reports.rows import Report
from bot.reports.scope import UnknownStation, report
from bot.reports.tables import Names, tables
from bot.staff.audit import audit
from bot.staff.permissions import may_see_reports, visible_stations
from bot.web.staff.auth import Console, ConsoleDep, staff_text
from bot.web.staff.pages import shell

router = APIRouter(include_in_schema=False)

Month = Annotated[str | None, Query(max_length=7, pattern=r"^\d{4}-\d{1,2}$")]
Day = Annotated[str | None, Query(max_length=10, pattern=r"^\d{4}-\d{2}-\d{2}$")]
StationId = Annotated[str | None, Query(max_length=64, pattern=r"^[a-z0-9_]+$")]


@dataclass(frozen=True, slots=True)
class Asked:
    """What a report is asked for in the query string: a month or a range, and a station."""

    month: str | None
    first: str | None
    last: str | None
    station: str | None


def _asked(
    month: Month = None, first: Day = None, last: Day = None, station: StationId = None
) -> Asked:
    return Asked(month, first, last, station)


AskedDep = Annotated[Asked, Depends(_asked)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/staff/admin/reports")
async def reports_page(c: ConsoleDep) -> Response:
    if not may_see_reports(c.staff):
        return shell(c.lang, "missing", csrf=c.csrf, status=404)
    return shell(c.lang, "reports", csrf=c.csrf, scripts=("admin-reports.js",))


@router.get("/api/staff/admin/reports")
async def reports_data(c: ConsoleDep, asked: AskedDep) -> Response:
    """The figures of the period for the station asked (or all the member sees)."""
    found = await _report(c, asked)
    if isinstance(found, Response):
        return found
    names = Names(c.desk.kb, c.lang, c.desk.messages)
    drawn = charts(found, names)
    body: dict[str, Any] = {
        "period": {
            "first": found.period.first.isoformat(),
            "last": found.period.last.isoformat(),
            "month": f"{found.period.first:%Y-%m}" if _whole_month(found.period) else None,
            "described": found.period.describe(),
        },
        "station": found.station,
        "stations": _choices(c, names),
        "all": visible_stations(c.desk.kb, c.staff) is None,
        "generated": c.desk.when(c.lang, found.generated_at),
        "note": names.text("staff.reports.containment_note", hours=c.desk.hours.describe()),
        "charts": {name: data_uri(svg) for name, svg in drawn.items()},
        "tables": [
            {"key": t.key, "title": t.title, "columns": t.columns, "rows": t.rows}
            for t in tables(found, names)
        ],
    }
    return JSONResponse(body)


@router.get("/api/staff/admin/reports/file")
async def reports_file(
    c: ConsoleDep, asked: AskedDep, format: Literal["xlsx", "csv"] = "xlsx"
) -> Response:
    """The report as a file to download; who downloaded what is written in the audit log."""
    found = await _report(c, asked)
    if isinstance(found, Response):
        return found
    names = Names(c.desk.kb, c.lang, c.desk.messages)
    data = to_xlsx(found, names) if format == "xlsx" else to_csv(found, names)
    async with c.services.database.transaction() as session:
        subject = f"report:{found.period.describe()}"
        await audit(
            session,
            c.staff,
            "report_export",
            c.now,
            station_id=found.station,
            subject=subject,
            format=format,
            station=found.station,
        )
    suffix = f"-{found.station}" if found.station else ""
    filename = f"vetbot-report-{found.period.describe()}{suffix}.{format}"
    media = XLSX if format == "xlsx" else "text/csv; charset=utf-8"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(data, media_type=media, headers=headers)


async def _report(c: Console, asked: Asked) -> Report | Response:
    if not may_see_reports(c.staff):
        raise NotVisible("reports")
    station = asked.station
    try:
        period = _period(c.now, asked)
    except ValueError:
        detail = staff_text(c.lang, "staff.reports.bad_period")
        return JSONResponse({"detail": detail}, 422)
    visible = visible_stations(c.desk.kb, c.staff)
    if station is None and visible is not None:
        station = c.staff.station_id  # a station head: their stations, named as such
    try:
        return await report(
            c.services.database, c.desk.kb, c.desk.hours, period, station=station, visible=visible
        )
    except UnknownStation as exc:
        raise NotVisible(f"station {station}") from exc


def _period(now: datetime, asked: Asked) -> Period:
    first, last = asked.first, asked.last
    if first is not None or last is not None:
        if first is None or last is None:
            raise ValueError("both ends of a range are needed")
        return Period.between(first, last)
    return Period.month(asked.month or f"{now.astimezone(COUNTY_TIME):%Y-%m}")


def _whole_month(period: Period) -> bool:
    return period == Period.month(f"{period.first:%Y-%m}")


def _choices(c: Console, names: Names) -> list[dict[str, str]]:
    """The stations the member may pick, in the order of stations.yaml."""
    visible = visible_stations(c.desk.kb, c.staff)
    return [
        {"id": s.id, "name": names.station(s.id)}
        for s in c.desk.kb.stations
        if visible is None or s.id in visible
    ]
