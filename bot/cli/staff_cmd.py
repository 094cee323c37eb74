"""`vetbot staff …`: create staff console accounts, list them, set passwords, unlock, disable."""

from __future__ import annotations

import sys
from collections.abc import Callable, Coroutine
from functools import partial
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from sqlalchemy.exc import IntegrityError

from bot.cli.running import known_station, with_database
from bot.config import Settings, get_settings
from bot.staff.accounts import MIN_PASSWORD, check_role, check_username, hash_password
from bot.staff.passwords import weak_password
from bot.staff.throttle import LoginThrottle
from policies.errors import PolicyValidationError
from policies.loader import load
from storage.database import Database
from storage.models.base import utcnow
from storage.repositories.audit import AuditLog
from storage.repositories.staff import ROLES, StaffAccounts

T = TypeVar("T")

app = typer.Typer(
    help="Staff console accounts: add, list, password, unlock, disable. 工作人员账号。",
    no_args_is_help=True,
)
err = Console(stderr=True)

ROLE_HELP = "staff (works its station's queue and those below), station_head (also takes over "
ROLE_HELP += "claimed tickets, reads the audit log), admin (all stations)."


def _password(from_stdin: bool, username: str) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        hash_password(password)  # validates the length; hashed again below, cheaply enough
    except ValueError as exc:
        err.print(f"[red]{exc}.[/red]")
        raise typer.Exit(2) from exc
    weak = weak_password(password, username)
    if weak is not None:
        err.print(f"[red]That password will not do: {weak}.[/red] Choose a longer phrase.")
        raise typer.Exit(2)
    return password


def _station(settings: Settings, station_id: str) -> None:
    try:
        kb = load(settings.policies_dir)
    except PolicyValidationError as exc:
        err.print("[red]The policies do not validate; run `vetbot policies check`.[/red]")
        raise typer.Exit(1) from exc
    known_station(kb, station_id)


@app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="Login name: lower-case letters, digits, . _ -")],
    station: Annotated[str, typer.Option(help="Station id from stations.yaml, e.g. county.")],
    role: Annotated[str, typer.Option(help=ROLE_HELP)] = "staff",
    name: Annotated[str, typer.Option(help="Name shown to colleagues.")] = "",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create a staff account (asks for its password twice unless --password-stdin)."""
    settings = get_settings()
    try:
        username, role = check_username(username), check_role(role)
    except ValueError as exc:
        err.print(f"[red]{exc}.[/red]")
        raise typer.Exit(2) from exc
    _station(settings, station)
    if with_database(partial(_taken, username), settings):  # before asking for a password
        err.print(f"[red]The username '{username}' is taken.[/red]")
        raise typer.Exit(1)
    hashed = hash_password(_password(password_stdin, username))

    async def run(database: Database) -> None:
        async with database.transaction() as session:
            account = await StaffAccounts(session).add(username, name, station, role, hashed)
            await AuditLog(session).add(
                "staff_add",
                username="cli",
                station_id=station,
                subject=f"staff:{account.id}",
                detail={"username": username, "role": role},
            )

    try:
        with_database(run, settings)
    except IntegrityError as exc:
        err.print(f"[red]The username '{username}' is taken.[/red]")
        raise typer.Exit(1) from exc
    err.print(f"[green]✓ {username} ({role}) at {station} can log in at /staff[/green]")


@app.command("list")
def list_accounts() -> None:
    """Every account: username, role, station, whether it is active."""

    async def run(database: Database) -> list[Any]:
        async with database.transaction() as session:
            return await StaffAccounts(session).all()

    for account in with_database(run):
        state = "" if account.active else "  (disabled)"
        typer.echo(
            f"{account.username}\t{account.role}\t{account.station_id}\t{account.name}{state}"
        )


@app.command("password")
def password(
    username: Annotated[str, typer.Argument(help="The account's login name.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Set a new password (ends the account's sessions and any lockout)."""
    hashed = hash_password(_password(password_stdin, username))

    async def change(accounts: StaffAccounts, staff_id: int) -> None:
        await accounts.set_password(staff_id, hashed)
        await _unlocked(accounts, staff_id, username)

    _change(username, "staff_password", change)


@app.command("unlock")
def unlock(username: Annotated[str, typer.Argument(help="The account's login name.")]) -> None:
    """Lift a lockout after too many wrong passwords."""
    _change(username, "staff_unlock", partial(_unlocked, username=username))


@app.command("disable")
def disable(username: Annotated[str, typer.Argument(help="The account's login name.")]) -> None:
    """Shut an account out (it stays in the audit log; `enable` lets it in again)."""
    _change(
        username, "staff_disable", lambda accounts, staff_id: accounts.set_active(staff_id, False)
    )


@app.command("enable")
def enable(username: Annotated[str, typer.Argument(help="The account's login name.")]) -> None:
    """Let a disabled account log in again."""
    _change(
        username, "staff_enable", lambda accounts, staff_id: accounts.set_active(staff_id, True)
    )


async def _unlocked(accounts: StaffAccounts, staff_id: int, username: str) -> None:
    """No lockout left: the account's own, and the attempts at its name from every address."""
    await accounts.logged_in(staff_id)
    throttle = LoginThrottle(accounts.session, get_settings(), utcnow())
    await throttle.unlock(username.strip().lower())


async def _taken(username: str, database: Database) -> bool:
    async with database.transaction() as session:
        return await StaffAccounts(session).by_username(username) is not None


def _change(
    username: str,
    action: str,
    change: Callable[[StaffAccounts, int], Coroutine[Any, Any, None]],
) -> None:
    async def run(database: Database) -> bool:
        async with database.transaction() as session:
            accounts = StaffAccounts(session)
            account = await accounts.by_username(username.strip().lower())
            if account is None:
                return False
            await change(accounts, account.id)
            await AuditLog(session).add(
                action, username="cli", station_id=account.station_id, subject=f"staff:{account.id}"
            )
            return True

    if not with_database(run):
        err.print(f"[red]No account '{username}'.[/red] `vetbot staff list` shows them.")
        raise typer.Exit(1)
    err.print(f"[green]✓ {action.removeprefix('staff_')}: {username}[/green]")


__all__ = ["MIN_PASSWORD", "ROLES", "app"]
