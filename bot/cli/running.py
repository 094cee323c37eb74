"""What every command shares: the one way to do work on the database (open it, migrating
first when `auto_migrate`, run the work, close it, and turn an unreachable database into a
clear message and exit status 1 instead of a traceback), and the check of a station id typed
on the command line."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import typer
from rich.console import Console

from bot.config import Settings, get_settings
from bot.conversation.knowledge import Knowledge
from policies.errors import PolicyValidationError
from policies.loader import KnowledgeBase
from storage import migrate
from storage.database import Database
from storage.errors import StorageUnavailable

T = TypeVar("T")
err = Console(stderr=True)


def with_database(
    work: Callable[[Database], Awaitable[T]],
    settings: Settings | None = None,
    *,
    migrated: bool = True,
) -> T:
    """`work` run on the configured database; the result is returned. `migrated=False` is
    for the commands that manage the migrations themselves."""
    settings = settings or get_settings()

    async def main() -> T:
        database = Database(settings.database_url)
        try:
            if migrated and settings.auto_migrate:
                await migrate.upgrade(database)
            return await work(database)
        finally:
            await database.dispose()

    try:
        return asyncio.run(main())
    except StorageUnavailable as exc:
        err.print(f"[red]The database is unavailable:[/red] {exc}\nCheck VETBOT_DATABASE_URL.")
        raise typer.Exit(1) from exc


def known_station(kb: KnowledgeBase, station_id: str) -> None:
    """Exit with status 2, listing the stations on record, unless `station_id` is one."""
    if kb.station(station_id) is None:
        known = ", ".join(s.id for s in kb.stations)
        err.print(f"[red]No station '{station_id}' in stations.yaml.[/red] Known: {known}")
        raise typer.Exit(2)


def load_knowledge(folder: Path | None = None) -> Knowledge:
    """The knowledge base and its understanding, built from `folder` (the configured one by
    default), with a spinner; invalid YAML lists its problems and exits with status 1."""
    root = folder or get_settings().policies_dir
    try:
        with err.status("loading the knowledge base… 正在加载知识库…"):
            return Knowledge.build(root)
    except PolicyValidationError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        err.print(
            "[red]The knowledge base has errors;[/red] run `vetbot policies check` and fix them."
        )
        raise typer.Exit(1) from exc
