"""`vetbot serve`, `vetbot chat` and `vetbot db …`: run the bot, talk to it, set up its database."""

from __future__ import annotations

import getpass
import pickle
import time
from typing import Annotated

import typer
from rich.console import Console
from uvicorn.supervisors import multiprocess

from bot.cli.running import with_database
from bot.config import Settings, get_settings
from bot.conversation.types import ConversationKey, Option, Outbound
from bot.errors import KnowledgeUnavailable
from bot.privacy.sealing import data_key
from policies.errors import PolicyValidationError
from policies.loader import load
from storage import migrate
from storage.database import Database
from storage.repositories.conversations import Conversations
from storage.repositories.messages import MessageLog
from storage.url import async_url

HEALTHCHECK_SECONDS = 120  # a worker slower than this to answer a ping, or to start, is hung
PING_SLICE = 0.25  # seconds between looks at whether a pinged worker is still there

err = Console(stderr=True)
db_app = typer.Typer(help="Set up and inspect the database. 数据库。", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(chat)
    app.add_typer(db_app, name="db")


def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on [default: 127.0.0.1].")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on [default: 8000].")] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Server processes on this port (PostgreSQL only; Telegram by webhook only).",
        ),
    ] = 1,
) -> None:
    """Run the server: web chat at /, API under /api (docs at /docs), /healthz, /metrics."""
    import uvicorn

    from bot.observe import logs
    from bot.web.app import create_app

    settings = get_settings()
    logs.configure(settings.log_level)
    _check_knowledge(settings)
    data_key(settings)  # now: a missing VETBOT_DATA_KEY is said at start, not at the first ID
    if workers > 1:
        _check_workers(settings)
    host, port = host or settings.host, port or settings.port
    err.print(f"vetbot: open http://{host}:{port}/ in a browser. 用浏览器打开上面的地址即可对话。")
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_config=None)
    else:  # each process builds its own app from the same settings (environment, .env)
        multiprocess.Process = WatchedWorker  # type: ignore[misc]  # the supervisor's workers
        uvicorn.run(
            "bot.web.app:worker_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_config=None,
            # How long a worker may take to answer a health ping (a busy machine) or to be
            # ready after a restart (it loads the knowledge base first); a dead one is
            # replaced at once all the same (`WatchedWorker`).
            timeout_worker_healthcheck=HEALTHCHECK_SECONDS,
        )


class WatchedWorker(multiprocess.Process):
    """A uvicorn worker whose health ping ends as soon as the worker is gone.

    uvicorn's supervisor pings each worker every half second and waits for the answer (which
    a thread of the worker gives, started before the app and its knowledge base load) up to
    `timeout_worker_healthcheck`. It keeps its own copy of the worker's end of the pipe, so a
    worker that dies during that wait is noticed only when the timeout runs out: with 120 s,
    two minutes with one worker fewer (`benchmarks/README.md`). Here the wait is cut into
    short slices, and ends early when the process has exited."""

    def _healthcheck(self, timeout: float) -> bool | None:
        deadline = time.monotonic() + timeout
        try:
            self.parent_conn.send(b"ping")
            while not self.parent_conn.poll(max(0.0, min(PING_SLICE, deadline - time.monotonic()))):
                if not self.process.is_alive() or time.monotonic() >= deadline:
                    return None
            started: bool = self.parent_conn.recv()
            return started
        except (OSError, EOFError, pickle.UnpicklingError):
            return None


def _check_workers(settings: Settings) -> None:
    """Several processes share everything through the database, and the channels' send
    limits and retries through Redis: refuse the set-ups where they could not (one SQLite
    file, Telegram long polling, which allows one poller, or a channel without Redis)."""
    problem = None
    if async_url(settings.database_url).get_backend_name() == "sqlite":
        problem = "several workers need PostgreSQL: set VETBOT_DATABASE_URL (see the README)"
    elif settings.telegram_token.get_secret_value() and not settings.telegram_webhook_url:
        problem = "Telegram allows one long-polling process: set VETBOT_TELEGRAM_WEBHOOK_URL"
    elif not settings.redis_url and (
        settings.telegram_token.get_secret_value() or settings.wechat_token.get_secret_value()
    ):
        # Telegram's send limits, WeChat's retries and access token would be per process:
        # sends past Telegram's limits, a retry on another process answered twice.
        problem = "several workers with Telegram or WeChat need Redis: set VETBOT_REDIS_URL"
    if problem:
        err.print(f"[red]--workers: {problem}[/red], or run one worker.")
        raise typer.Exit(2)


def chat(
    user: Annotated[
        str, typer.Option(help="Your name in this chat; the same name continues the conversation.")
    ] = getpass.getuser(),
) -> None:
    """Talk to the bot in this terminal (same engine and database as the server). Ctrl-D ends."""
    from bot.observe import logs

    settings = get_settings()
    logs.configure("WARNING")
    _check_knowledge(settings)
    with_database(lambda database: _chat(database, settings, user), settings)


async def _chat(database: Database, settings: Settings, user: str) -> None:
    from bot.channels.console import Console as Terminal
    from bot.channels.console import render
    from bot.conversation.engine import Engine
    from bot.conversation.knowledge import KnowledgeStore

    knowledge = await KnowledgeStore.open(settings.policies_dir)
    terminal = Terminal(Engine(database, knowledge, settings), user)
    err.print("Type a question or a number; 菜单 / 0 for the menu; Ctrl-D to quit.")
    last = await _last_reply(database, terminal.key)
    if last is None:
        await terminal.send(payload="menu")
    else:  # carry on where this user left off: the options shown last still work
        terminal.write(render(last) + "\n")
    await terminal.run()


async def _last_reply(database: Database, key: ConversationKey) -> Outbound | None:
    async with database.transaction() as session:
        conversation = await Conversations(session).find(key.channel, key.chat_id, key.user_id)
        logged = [] if conversation is None else await MessageLog(session).recent(conversation, 1)
    if not logged or logged[-1].direction != "out":
        return None
    options = tuple(Option(label, payload) for label, payload in logged[-1].options)
    return Outbound(logged[-1].text, options=options)


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Option(help="Revision to reach.")] = "head",
) -> None:
    """Apply the migrations (creates the SQLite file on first run)."""
    settings = get_settings()

    async def run(database: Database) -> str | None:
        await migrate.upgrade(database, revision)
        return await migrate.current(database)

    at = with_database(run, settings, migrated=False)
    err.print(f"[green]✓ database at revision {at}[/green] ({_shown_url(settings)})")


@db_app.command("current")
def db_current() -> None:
    """Print the revision the database is at, and the newest this code has."""
    at = with_database(migrate.current, migrated=False)
    typer.echo(f"database: {at or 'empty'}; code: {migrate.head()}")


@db_app.command("revision")
def db_revision(
    message: Annotated[str, typer.Argument(help="What the migration changes.")],
) -> None:
    """(Developers) write a new migration from the difference between models and database."""
    with_database(lambda database: migrate.revision(database, message), migrated=False)


def _shown_url(settings: Settings) -> str:
    return async_url(settings.database_url).render_as_string(hide_password=True)


def _check_knowledge(settings: Settings) -> None:
    """Refuse to start without a valid knowledge base, listing every `file:line` problem."""
    try:
        load(settings.policies_dir)
    except PolicyValidationError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        err.print(str(KnowledgeUnavailable(exc.problems)).splitlines()[0])
        raise typer.Exit(1) from exc
