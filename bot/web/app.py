"""The app factory: one FastAPI app with the web chat, the API, operations and the channels.

Start-up order (the lifespan): open the database, migrate it when `auto_migrate`, load the
knowledge base (refusing to start without a valid one), build the engine, start the file
watcher, the outbox worker and the channels. Shut-down runs the same in reverse.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles

from bot.casework.reminders import Reminders
from bot.config import Settings, get_settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import KnowledgeStore
from bot.conversation.types import ConversationKey, Outbound
from bot.observe.metrics import Metrics
from bot.outbox.worker import OutboxWorker
from bot.staff import escalation
from bot.staff.desk import Desk
from bot.staff.escalation import Clock
from bot.web import chat_api, ops, page
from bot.web.channels import (
    CHANNELS,
    ChannelHost,
    ChannelMount,
    EngineHandle,
    install_channels,
)
from bot.web.errors import validation_error
from bot.web.limits import BodyLimit
from bot.web.services import Services
from bot.web.staff import pages as staff_pages
from storage import migrate
from storage.database import Database
from storage.errors import StorageUnavailable
from storage.models.base import utcnow
from storage.repositories.dedupe import DedupeKeys

MAX_API_BODY = 16 * 1024  # bytes; a chat message is at most 2000 characters
DEDUPE_KEEP = timedelta(days=7)  # platforms redeliver within a day; keep a margin

log = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None,
    channels: tuple[ChannelMount, ...] = CHANNELS,
    *,
    clock: Clock = utcnow,
) -> FastAPI:
    """The app for `settings`, with every configured channel of `channels` mounted. `clock`
    is what the staff console and ticket escalation take as now (tests pass their own)."""
    settings = settings or get_settings()
    handle = EngineHandle()
    outbox: list[OutboxWorker] = []  # set at start-up; channels queue late replies through it

    async def later(key: ConversationKey, replies: list[Outbound]) -> None:
        await outbox[0].enqueue(key, replies)

    host = ChannelHost(handler=handle, settings=settings, later=later)
    installed = install_channels(host, channels)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = Database(settings.database_url)
        tasks: list[asyncio.Task[None]] = []
        stop = asyncio.Event()
        try:
            if settings.auto_migrate:
                await migrate.upgrade(database)
            knowledge = await KnowledgeStore.open(settings.policies_dir)
            metrics = Metrics()
            engine = Engine(database, knowledge, settings, metrics=metrics)
            worker = OutboxWorker(database, host.senders)
            outbox[:] = [worker]
            handle.bind(engine)
            app.state.services = Services(settings, database, knowledge, engine, metrics, worker)

            def start(name: str, work: Coroutine[Any, Any, None]) -> None:
                task = asyncio.create_task(work, name=name)
                task.add_done_callback(_report_end)
                tasks.append(task)

            if settings.watch_policies:
                start("kb-watch", knowledge.watch(stop))
            start("outbox", worker.run(stop))
            start("prune-dedupe", _prune_dedupe(database, stop))
            start("reminders", Reminders(database, knowledge).run(stop))
            start(
                "escalation",
                escalation.run(
                    database, lambda: Desk.of(knowledge.current.kb, settings), stop, clock
                ),
            )
            for step in host.on_start:
                await step()
            log.info(
                "vetbot serving",
                extra={"channels": ["web", *installed], "kb": knowledge.current.kb.fingerprint},
            )
            yield
        finally:
            stop.set()
            for step in reversed(host.on_stop):
                await step()
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await database.dispose()

    app = FastAPI(
        title="vetbot",
        summary="Self-service assistant for veterans: chat API, health and metrics.",
        lifespan=lifespan,
    )
    app.state.clock = clock
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_middleware(BodyLimit, max_bytes=MAX_API_BODY)
    app.include_router(chat_api.router)
    app.include_router(ops.router)
    app.include_router(page.router)
    staff_pages.install(app)
    for router in host.routers:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=page.STATIC), name="static")
    return app


def _report_end(task: asyncio.Task[None]) -> None:
    """A background task that stops by itself before shut-down is a fault worth a log line."""
    if not task.cancelled() and (error := task.exception()) is not None:
        log.error("background task %s stopped", task.get_name(), exc_info=error)


async def _prune_dedupe(database: Database, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            async with database.transaction() as session:
                await DedupeKeys(session).prune(utcnow() - DEDUPE_KEEP)
        except StorageUnavailable as exc:
            log.warning("dedupe keys not pruned this time: %s", exc)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 3600)
