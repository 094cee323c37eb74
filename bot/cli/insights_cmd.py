"""`vetbot insights …`: what the bot did not answer well, for admins who prefer a terminal.

`unanswered` lists the same clusters as the console's inbox (/staff/admin/unanswered), from the
same database and knowledge base; `--json` prints them for scripts (README, "CLI").
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot.cli.running import known_station, load_knowledge, with_database
from bot.insights import inbox
from bot.staff.routing import subtree
from storage.database import Database

app = typer.Typer(help="What the bot did not answer well. 未答问题。", no_args_is_help=True)
out, err = Console(), Console(stderr=True)
SHOWN_EXAMPLES = 3


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="insights")


@app.command("unanswered")
def unanswered(
    since: Annotated[
        str | None,
        typer.Option(help="Only questions from this day on (YYYY-MM-DD, county time)."),
    ] = None,
    station: Annotated[
        str | None,
        typer.Option(help="Station id from stations.yaml: it and the stations below it."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the clusters as JSON (shape in the README).")
    ] = False,
    marked: Annotated[
        bool, typer.Option("--marked", help="Show clusters marked 'not ours' or 'done' too.")
    ] = False,
) -> None:
    """The questions that got no good answer, grouped by need, largest first: fallbacks,
    declined questions, clarifications with no pick, 没帮助, handoffs staff answered with an
    entry. Questions are masked; who asked is never shown."""
    period = inbox.Period()
    if since:
        try:
            period = inbox.since_day(date.fromisoformat(since))
        except ValueError as exc:
            err.print(f"[red]--since {since!r} is not a date;[/red] write it as 2026-12-01.")
            raise typer.Exit(2) from exc
    knowledge = load_knowledge()
    stations = None
    if station:
        known_station(knowledge.kb, station)
        stations = subtree(knowledge.kb, station)

    async def run(database: Database) -> list[inbox.Cluster]:
        with err.status("grouping the questions… 正在归类问题…"):
            async with database.transaction() as session:
                return await inbox.clusters(
                    session, knowledge.understanding, period, stations, marked=marked
                )

    found = with_database(run)
    if as_json:
        typer.echo(json.dumps([inbox.as_json(c) for c in found], ensure_ascii=False, indent=2))
        return
    if not found:
        out.print("Nothing went unanswered in this period. 这段时间没有没答好的问题。")
        return
    table = Table("size", "kinds", "asked as", "entries considered (score)", "last seen")
    for cluster in found:
        kinds = ", ".join(f"{kind} {n}" for kind, n in cluster.kinds.items())
        considered = "\n".join(
            f"{c.entry_id} ({c.score:.2f})" for c in (*cluster.likely, *cluster.considered)[:3]
        )
        asked = "\n".join(cluster.examples[:SHOWN_EXAMPLES])
        size = f"{cluster.size}" + (f" ({cluster.mark})" if cluster.mark else "")
        table.add_row(size, kinds, asked, considered, cluster.last_seen.date().isoformat())
    out.print(table)
    out.print(
        f"{len(found)} cluster(s), {sum(c.size for c in found)} question(s). "
        "Add them to the knowledge base with `vetbot policies add-phrasing ENTRY_ID QUESTION…` "
        "or in the console at /staff/admin/unanswered."
    )
