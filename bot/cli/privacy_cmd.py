"""`vetbot privacy …`: a veteran's rights over their data (个人信息保护法).

    export      everything held about one person: a JSON file and a page to read (audited)
    erase       erase one person; the counts the bureau reports stay (audited)
    retention   anonymise conversations and resolved tickets past VETBOT_RETENTION_YEARS
    rotate-key  re-seal every stored ID number under a new VETBOT_DATA_KEY

The person is named by a tracking or booking number they filed (`--request PJ-2026-000123`), a
phone number they gave in a form (`--phone 13912345678`) or their user id (`--user 12`).
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from bot.cli.running import with_database
from bot.config import get_settings
from bot.messages import LANGUAGES, catalogue
from bot.privacy import erase as erasing
from bot.privacy import retention as retaining
from bot.privacy import rotation
from bot.privacy.export import Export, export, page
from bot.privacy.people import (
    Actor,
    ManyPeople,
    Named,
    NoSuchPerson,
    Person,
    find,
    named,
    scope,
)
from bot.privacy.sealing import PersonalDataUnreadable, data_key
from storage.database import Database
from storage.models.base import utcnow

app = typer.Typer(
    help="A veteran's data: export, erase, retention, data key rotation. 个人信息。",
    no_args_is_help=True,
)
out, err = Console(), Console(stderr=True)

Request = Annotated[
    str | None, typer.Option("--request", help="A tracking or booking number they filed.")
]
Phone = Annotated[str | None, typer.Option("--phone", help="A phone number they gave in a form.")]
User = Annotated[int | None, typer.Option("--user", help="Their user id.")]
Reason = Annotated[
    str,
    typer.Option(
        "--reason",
        help="Why (recorded in the audit log), e.g. 'request of 2026-12-01, ticket #12'.",
    ),
]


def _actor() -> Actor:
    return Actor(f"cli:{getpass.getuser()}")


def _who(request: str | None, phone: str | None, user: int | None) -> Named:
    given = [(b, v) for b, v in (("request", request), ("phone", phone), ("user", user)) if v]
    if len(given) != 1:
        err.print("[red]Name the person once:[/red] --request NUMBER, --phone PHONE or --user ID.")
        raise typer.Exit(2)
    try:
        return named(given[0][0], str(given[0][1]))
    except ValueError as exc:
        err.print(f"[red]{exc}.[/red]")
        raise typer.Exit(2) from exc


def _reason(reason: str) -> str:
    if not reason.strip():
        err.print("[red]Say why with --reason[/red] (it goes in the audit log).")
        raise typer.Exit(2)
    return reason.strip()


async def _found(database: Database, who: Named) -> Person:
    try:
        async with database.transaction() as session:
            return await find(session, who)
    except ManyPeople as exc:
        err.print(
            f"[red]Several users gave this phone number:[/red] {', '.join(map(str, exc.user_ids))}."
            " Export each with --user ID to see which is the person."
        )
        raise typer.Exit(1) from exc
    except NoSuchPerson as exc:
        err.print(f"[red]{exc}.[/red] Check the number, or try --phone or --user.")
        raise typer.Exit(1) from exc


@app.command("export")
def export_command(
    reason: Reason,
    request: Request = None,
    phone: Phone = None,
    user: User = None,
    output: Annotated[
        Path | None,
        typer.Option(
            help="The JSON file to write (default personal-data-<user>.json); the "
            "page to read is written beside it as .html."
        ),
    ] = None,
    lang: Annotated[str, typer.Option(help="Language of the page: zh or en.")] = "zh",
) -> None:
    """Everything held about one person: a JSON file and a readable page (audited)."""
    who, why = _who(request, phone, user), _reason(reason)
    if lang not in LANGUAGES:
        err.print(f"[red]No language {lang}.[/red] Use zh or en.")
        raise typer.Exit(2)
    settings = get_settings()

    async def run(database: Database) -> Export:
        person = await _found(database, who)
        async with database.transaction() as session:
            return await export(session, data_key(settings), person, who, _actor(), why)

    done = with_database(run, settings)
    target = output or Path(f"personal-data-{done.label.replace(':', '-').replace(',', '-')}.json")
    target.write_text(done.json(), encoding="utf-8")
    readable = target.with_suffix(".html")
    readable.write_text(page(done, catalogue(), lang), encoding="utf-8")
    target.chmod(0o600)
    readable.chmod(0o600)
    err.print(
        f"[green]✓ {done.person.subject}: {done.rows()} row(s) in {target} and {readable}[/green]\n"
        "These files hold the person's data in the clear: hand them over, then delete them."
    )


@app.command("erase")
def erase_command(
    reason: Reason,
    request: Request = None,
    phone: Phone = None,
    user: User = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask to confirm.")] = False,
) -> None:
    """Erase one person: messages, form values, phones, ID numbers, names and identities on
    every channel; the counts for reports stay (audited)."""
    who, why = _who(request, phone, user), _reason(reason)
    settings = get_settings()

    async def look(database: Database) -> tuple[Person, str]:
        person = await _found(database, who)
        async with database.transaction() as session:
            found = await scope(session, person)
        held = (
            f"{len(found.keys)} conversation(s), {len(found.requests)} request(s), "
            f"{len(found.bookings)} booking(s), {len(found.tickets)} ticket(s), "
            f"{len(found.filed_for)} filing(s) others made for them"
        )
        return person, held

    person, held = with_database(look, settings)
    out.print(f"{person.subject} ({who.shown()}): {held}.")
    if not yes and not typer.confirm(
        "Erase this person's data? It cannot be undone", default=False
    ):
        err.print("Nothing erased.")
        raise typer.Exit(1)

    async def run(database: Database) -> erasing.Erased:
        async with database.transaction() as session:
            done = await erasing.erase(session, data_key(settings), person, who, _actor(), why)
        await erasing.scrub(database)
        return done

    done = with_database(run, settings)
    table = Table("table", "rows erased")
    for name, count in done.rows.items():
        table.add_row(name, str(count))
    out.print(table)
    err.print(
        f"[green]✓ {person.subject} erased ({done.total} row(s)); the database files were "
        "rebuilt without them.[/green] Backups made before now still hold them: they expire "
        "with your backup rotation."
    )


@app.command("retention")
def retention_command(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only say what would be anonymised.")
    ] = False,
) -> None:
    """Anonymise conversations and resolved tickets older than VETBOT_RETENTION_YEARS (the
    server does it daily)."""
    settings = get_settings()

    async def run(database: Database) -> retaining.Retained:
        async with database.transaction() as session:
            done = await retaining.apply(session, settings, utcnow(), dry_run=dry_run)
        if done.total and not dry_run:
            await erasing.scrub(database)
        return done

    done = with_database(run, settings)
    verb = "would be anonymised" if dry_run else "anonymised"
    out.print(
        f"Kept for {settings.retention_years:g} year(s): older than "
        f"{done.cutoff.date().isoformat()} {verb}:"
    )
    table = Table("what", "rows")
    for label, count in (
        ("messages", done.messages),
        ("conversations (form in progress)", done.conversations),
        ("resolved tickets", done.tickets),
        ("dedupe keys", done.dedupe_keys),
    ):
        table.add_row(label, str(count))
    out.print(table)


@app.command("rotate-key")
def rotate_key(
    batch: Annotated[int, typer.Option(min=1, help="Rows per transaction.")] = rotation.BATCH,
    again: Annotated[
        bool,
        typer.Option(
            "--again", help="Look at every row again, not only where the last run stopped."
        ),
    ] = False,
) -> None:
    """Re-seal every stored ID number under VETBOT_DATA_KEY, the old key being in
    VETBOT_DATA_KEY_PREVIOUS; resumable, the server keeps running."""
    settings = get_settings()
    if not settings.data_key.get_secret_value():
        err.print(
            "[red]Set VETBOT_DATA_KEY to the new key[/red] (and VETBOT_DATA_KEY_PREVIOUS to the old one)."
        )
        raise typer.Exit(2)
    key = data_key(settings)

    async def run(database: Database) -> dict[str, int]:
        if again:
            await rotation.restart(database, key)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[done]}"),
            console=err,
        ) as bar:
            task = bar.add_task("re-sealing", total=None, done="")

            def shown(progress: rotation.Progress) -> None:
                bar.update(
                    task,
                    description=f"re-sealing {progress.table}",
                    done=f"{progress.rows} row(s) looked at, {progress.resealed} value(s) re-sealed",
                )

            await rotation.rotate(database, key, batch=batch, on_batch=shown)
        return await rotation.left_over(database, key)

    try:
        left = with_database(run, settings)
    except PersonalDataUnreadable as exc:
        err.print(
            f"[red]{exc}.[/red] Set VETBOT_DATA_KEY_PREVIOUS to the key the values were sealed "
            "with, then run this again: it goes on where it stopped."
        )
        raise typer.Exit(1) from exc
    if left:
        shown = ", ".join(f"{n} in {t}" for t, n in left.items())
        err.print(
            f"[yellow]Still under another key: {shown}.[/yellow] A server still on the old key "
            "wrote them: restart every server with the new key, then run "
            "`vetbot privacy rotate-key --again`."
        )
        raise typer.Exit(1)
    err.print(
        f"[green]✓ every stored ID number is sealed under key {key.key_id}.[/green] "
        "Remove VETBOT_DATA_KEY_PREVIOUS from every server and restart them."
    )
