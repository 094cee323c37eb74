"""`vetbot requests …` and `vetbot bookings …`: what staff do before (and beside) the console.

List a station's queue with personal data masked, move a request on, end a booking. Every
change tells the user through the outbox, exactly as the staff console does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from bot.calendar.workdays import today_in_county
from bot.casework.bookings import end_booking
from bot.casework.requests import STATES, change_request_state
from bot.cli.running import known_station, with_database
from bot.config import get_settings
from bot.flows.booking.words import day_label, slot_label
from bot.flows.request.proxy import on_behalf
from bot.flows.request.shown import Shown
from bot.messages import catalogue
from bot.privacy.masking import mask_phone
from bot.staff.visitors import Visitor, visitors
from policies.loader import KnowledgeBase, load
from storage.database import Database
from storage.repositories.bookings import Bookings
from storage.repositories.filed_for import Veteran
from storage.repositories.requests import Requests, StateChangeRefused

T = TypeVar("T")
requests_app = typer.Typer(help="Filed requests: list, move on. 申请。", no_args_is_help=True)
bookings_app = typer.Typer(help="Booked visits: list, end. 预约。", no_args_is_help=True)
out, err = Console(), Console(stderr=True)


def register(app: typer.Typer) -> None:
    app.add_typer(requests_app, name="requests")
    app.add_typer(bookings_app, name="bookings")


WAITING = ("submitted",)  # what `requests list` shows unless told: requests nobody has accepted


@requests_app.command("list")
def list_requests(
    station: Annotated[
        str, typer.Option(help="Station id from stations.yaml; its own queue only.")
    ] = "county",
    state: Annotated[
        list[str] | None,
        typer.Option(
            help=f"A state to show; repeat for several ({', '.join(STATES)}). "
            "Without --state or --all: submitted only, the requests waiting to be accepted."
        ),
    ] = None,
    every_state: Annotated[
        bool, typer.Option("--all", help="Requests in every state, closed ones too.")
    ] = False,
) -> None:
    """A station's requests, oldest first; ID numbers and phones masked. Says which states it
    shows and how to see the others."""
    states = STATES if every_state else tuple(state or WAITING)
    unknown = [s for s in states if s not in STATES]
    if unknown:
        err.print(f"[red]No state {', '.join(unknown)}.[/red] States: {', '.join(STATES)}.")
        raise typer.Exit(2)

    async def run(database: Database, kb: KnowledgeBase) -> None:
        known_station(kb, station)
        async with database.transaction() as session:
            filed = await Requests(session).queue([station], states)
        hidden = [s for s in STATES if s not in states]
        out.print(f"{len(filed)} request(s) at {station} in state {', '.join(states)}.")
        if hidden:
            out.print(
                f"Not shown: {', '.join(hidden)}. "
                "See them with --state STATE (repeat for several) or --all."
            )
        shown = Shown("zh", kb, get_settings(), catalogue(), mask_phones=True)
        table = Table("number", "type", "state", "filed", "answers")
        for request in filed:
            request_type = kb.request_type(request.type_id)
            answers = shown.lines(request_type, request.answers) if request_type else []
            if request.filed_for is not None:
                answers.append(_for_someone(request.filed_for))
            table.add_row(
                request.number,
                shown.title(request_type) if request_type else request.type_id,
                request.state,
                request.created_at.date().isoformat(),
                "\n".join(answers),
            )
        out.print(table)

    _run(run)


@requests_app.command("state")
def move_request(
    number: Annotated[str, typer.Argument(help="Tracking number, e.g. PJ-2026-000123.")],
    state: Annotated[str, typer.Argument(help=f"New state: {', '.join(STATES[1:])}.")],
    actor: Annotated[str, typer.Option(help="Who is doing it (recorded).")],
    note: Annotated[str, typer.Option(help="Why, for the user and the record.")] = "",
) -> None:
    """Move a request on (submitted → accepted → in_progress → done / rejected); the user is told."""

    async def run(database: Database, kb: KnowledgeBase) -> None:
        async with database.transaction() as session:
            await change_request_state(session, kb, catalogue(), number, state, actor, note)
        err.print(f"[green]✓ {number} is {state}; the user will be told.[/green]")

    try:
        _run(run)
    except (StateChangeRefused, ValueError) as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc


@bookings_app.command("list")
def list_bookings(
    station: Annotated[str, typer.Option(help="Station id from stations.yaml.")] = "county",
    days: Annotated[int, typer.Option(help="How many days from today.")] = 7,
) -> None:
    """A station's bookings from today on, by day and slot, with who is coming: the name and
    phone (masked) of their newest request, as the booking form asks for neither."""

    async def run(database: Database, kb: KnowledgeBase) -> None:
        known_station(kb, station)
        today = today_in_county()
        async with database.transaction() as session:
            visits = await Bookings(session).at_station(
                station, today, today + timedelta(days=days)
            )
            coming = await visitors(session, kb, (v.user_id for v in visits), lambda _: True)
        messages = catalogue()
        table = Table("number", "day", "slot", "service", "state", "visitor")
        for visit in visits:
            table.add_row(
                visit.number,
                day_label(messages, "zh", visit.place.day),
                slot_label(messages, "zh", visit.place.slot),
                visit.service,
                visit.state,
                "\n".join(
                    filter(
                        None, (_visitor(coming.get(visit.user_id)), _for_someone(visit.filed_for))
                    )
                ),
            )
        out.print(table)

    _run(run)


@bookings_app.command("end")
def end_visit(
    number: Annotated[str, typer.Argument(help="Booking number, e.g. PJY-2026-000045.")],
    state: Annotated[str, typer.Argument(help="attended, no_show or cancelled.")],
) -> None:
    """Record how a visit ended; a no-show or cancellation frees the place and tells the user."""

    async def run(database: Database, kb: KnowledgeBase) -> None:
        async with database.transaction() as session:
            visit = await end_booking(session, kb, catalogue(), number, state)
        if visit is None:
            err.print(f"[red]{number} holds no place (no such booking, or already ended).[/red]")
            raise typer.Exit(1)
        err.print(f"[green]✓ {number} is {state}.[/green]")

    try:
        _run(run)
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc


def _visitor(visitor: Visitor | None) -> str:
    if visitor is None:
        return "(no name or phone given)"
    masked = visitor.masked()
    who = " · ".join(part for part in (masked.name, masked.phone) if part)
    return f"{who} (request {masked.request})"


def _for_someone(veteran: Veteran | None) -> str:
    """Whom it was filed for, when the user filed it for someone else: the veteran's name,
    kin and masked phone (the ID number stays in the console, behind an audited reveal)."""
    if veteran is None:
        return ""
    said = on_behalf(catalogue(), "zh", veteran.kin, veteran.name)
    return f"{said} · {mask_phone(veteran.phone)}" if veteran.phone else said


def _run(work: Callable[[Database, KnowledgeBase], Awaitable[T]]) -> T:
    """`work` on the database with the knowledge base loaded."""
    settings = get_settings()
    return with_database(lambda database: work(database, load(settings.policies_dir)), settings)
