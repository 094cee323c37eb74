"""`vetbot report month 2026-12` and `vetbot report range FIRST LAST`: the bureau's figures for
its monthly return, as XLSX (one sheet per section, Chinese headers), CSV or JSON.

The same figures as the console's /staff/admin/reports, counted by the database (bot/reports).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bot.calendar.hours import WorkingHours
from bot.cli.running import with_database
from bot.config import get_settings
from bot.messages import LANGUAGES
from bot.reports.export import FORMATS, Format, write
from bot.reports.period import Period
from bot.reports.rows import Report
from bot.reports.scope import UnknownStation, report
from bot.reports.tables import Names, percent
from policies.loader import load
from storage.database import Database

app = typer.Typer(
    help="The bureau's figures for a month or a range of days. 统计报表。", no_args_is_help=True
)
out, err = Console(), Console(stderr=True)

StationOption = Annotated[
    str | None,
    typer.Option(
        "--station",
        help="Station id from stations.yaml: that station and those under it. "
        "Without it: every station.",
    ),
]
FormatOption = Annotated[
    str, typer.Option("--format", help=f"One of {', '.join(FORMATS)}.", show_default=True)
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="The file to write. Without it: XLSX goes to vetbot-report-<period>.xlsx here, "
        "CSV and JSON to standard output. '-' is standard output.",
    ),
]
LangOption = Annotated[
    str, typer.Option("--lang", help="Headers in zh (Chinese) or en.", show_default=True)
]


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="report")


@app.command("month")
def month(
    which: Annotated[str, typer.Argument(help="The month, YYYY-MM (e.g. 2026-12).")],
    station: StationOption = None,
    fmt: FormatOption = "xlsx",
    output: OutputOption = None,
    lang: LangOption = "zh",
) -> None:
    """The figures of one calendar month (county time)."""
    _run(_period(lambda: Period.month(which)), station, fmt, output, lang)


@app.command("range")
def date_range(
    first: Annotated[str, typer.Argument(help="The first day, YYYY-MM-DD.")],
    last: Annotated[str, typer.Argument(help="The last day, YYYY-MM-DD (included).")],
    station: StationOption = None,
    fmt: FormatOption = "xlsx",
    output: OutputOption = None,
    lang: LangOption = "zh",
) -> None:
    """The figures of any range of days, both ends included (at most two years)."""
    _run(_period(lambda: Period.between(first, last)), station, fmt, output, lang)


def _period(make: Callable[[], Period]) -> Period:
    try:
        return make()
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc


def _run(period: Period, station: str | None, fmt: str, output: Path | None, lang: str) -> None:
    if fmt not in FORMATS:
        err.print(f"[red]No format {fmt!r}.[/red] Use --format with one of {', '.join(FORMATS)}.")
        raise typer.Exit(2)
    if lang not in LANGUAGES:
        err.print(f"[red]No language {lang!r}.[/red] Use --lang zh or --lang en.")
        raise typer.Exit(2)
    settings = get_settings()
    kb = load(settings.policies_dir)
    hours = WorkingHours.parse(settings.work_hours)

    async def work(database: Database) -> Report:
        with err.status(f"counting {period.describe()}…"):
            return await report(database, kb, hours, period, station=station)

    try:
        found = with_database(work, settings)
    except UnknownStation as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    names = Names(kb, lang)
    data = write(found, names, _format(fmt))
    if output is None and fmt == "xlsx":
        suffix = f"-{station}" if station else ""
        output = Path(f"vetbot-report-{period.describe()}{suffix}.xlsx")
    if output is None or str(output) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        output.write_bytes(data)
        err.print(f"Wrote {output} ({len(data):,} bytes).")
    q = found.questions
    contained = "—" if q.containment is None else f"{percent(q.containment)}%"
    err.print(
        f"{period.describe()}: {found.conversations} conversations, {found.messages} messages, "
        f"{q.total} questions, containment {contained}, "
        f"{sum(r.filed for r in found.requests)} requests, "
        f"{sum(t.opened for t in found.tickets)} tickets."
    )


def _format(fmt: str) -> Format:
    for known in FORMATS:
        if fmt == known:
            return known
    raise ValueError(fmt)
