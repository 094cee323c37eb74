"""What runs while the server serves, opened at start-up and closed at shut-down.

Start-up order: open the database, migrate it when `auto_migrate`, load the knowledge base
(refusing to start without a valid one), build the engine and the outbox worker, start the
background tasks (file watcher, outbox, pruning, reminders, escalation, staff alerts), then the
channels. Shut-down runs the same in reverse.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

from bot.background import every
from bot.casework.reminders import Reminders
from bot.channels.replays import REMEMBER_NONCES
from bot.config import Settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import KnowledgeStore
from bot.conversation.types import ConversationKey, Outbound
from bot.errors import TryAgainLater
from bot.observe.metrics import Metrics
from bot.outbox.worker import OutboxWorker
from bot.privacy import pseudonyms, retention
from bot.privacy.sealing import data_key
from bot.staff import escalation
from bot.staff.alerts import scan as alerts
from bot.staff.alerts.answers import StaffAnswers
from bot.staff.alerts.wecom import WeComSender
from bot.staff.desk import Desk
from bot.staff.escalation import Clock
from bot.web.channels import ChannelHost, EngineHandle
from bot.web.services import Services
from storage import migrate
from storage.database import Database
from storage.errors import StorageUnavailable
from storage.models.base import utcnow
from storage.repositories.alerts import AlertMarks
from storage.repositories.dedupe import DedupeKeys
from storage.repositories.limits import RateCounts
from storage.repositories.nonces import Nonces
from storage.repositories.staff import StaffSessions

DEDUPE_KEEP = timedelta(days=7)  # platforms redeliver within a day; keep a margin
NONCES_KEEP = timedelta(seconds=REMEMBER_NONCES)

log = logging.getLogger(__name__)
# A staff round: the work of one pass over the queues, for the desk serving now.
DeskWork = Callable[[Database, Desk, datetime], Awaitable[object]]


class Runtime:
    """The server's moving parts. Channels are installed when the app is built, before any of
    this runs, so they are given `handle` and `enqueue`, which reach the parts once started."""

    def __init__(self, settings: Settings, clock: Clock = utcnow) -> None:
        self.settings = settings
        self.clock = clock
        self.handle = EngineHandle()
        self._outbox: OutboxWorker | None = None
        self._database: Database | None = None

    async def first_use(self, channel: str, nonce: str, hashed: str) -> bool:
        """Whether a signed webhook request may be answered: its (timestamp, nonce) not seen
        before with another body, in any process (`bot/channels/replays.py`)."""
        if self._database is None:
            raise RuntimeError("the database is not open yet (the server is still starting)")
        try:
            async with self._database.transaction() as session:
                return await Nonces(session).first_use(channel, nonce, hashed)
        except StorageUnavailable as exc:
            raise TryAgainLater(str(exc), []) from exc

    async def enqueue(self, key: ConversationKey, replies: list[Outbound]) -> None:
        """Queue `replies` for `key` in the outbox (a channel's late replies)."""
        if self._outbox is None:
            raise RuntimeError("the outbox is not running yet (the server is still starting)")
        await self._outbox.enqueue(key, replies)

    @asynccontextmanager
    async def running(self, host: ChannelHost) -> AsyncIterator[Services]:
        """Everything started, in order, for as long as the block runs; then stopped."""
        database = self._database = Database(self.settings.database_url)
        background = Background()
        try:
            services = await self._open(database, host)
            self._start(background, services)
            for step in host.on_start:
                await step()
            yield services
        finally:
            background.stop.set()
            for step in reversed(host.on_stop):
                await step()
            await background.cancel()
            await database.dispose()

    async def _open(self, database: Database, host: ChannelHost) -> Services:
        if self.settings.auto_migrate:
            await migrate.upgrade(database)
        knowledge = await KnowledgeStore.open(self.settings.policies_dir)
        # Every process of this deployment names a user by the same pseudonym in its logs.
        pseudonyms.use_key(data_key(self.settings).derive("log pseudonyms"))
        metrics = Metrics()
        engine = Engine(database, knowledge, self.settings, metrics=metrics)
        wecom = WeComSender(  # staff alerts, each robot's 20 a minute shared by the processes
            self.settings, lambda: knowledge.current.kb, slots=host.coordination.slots
        )
        host.senders.setdefault(wecom.channel, wecom)
        host.on_stop.append(wecom.close)
        host.staff_chats.bind(StaffAnswers(database, knowledge, self.settings, self.clock))
        self._outbox = OutboxWorker(database, host.senders)
        self.handle.bind(engine)
        return Services(self.settings, database, knowledge, engine, metrics, self._outbox)

    def _start(self, background: Background, services: Services) -> None:
        database, knowledge, stop = services.database, services.knowledge, background.stop
        if self.settings.watch_policies:
            background.start("kb-watch", knowledge.watch(stop))
        background.start("outbox", services.outbox.run(stop))
        background.start(
            "prune", every(3600, lambda: prune(database, utcnow()), stop, skipped="pruning")
        )
        background.start("retention", retention.run(database, self.settings, stop))
        background.start("reminders", Reminders(database, knowledge).run(stop))

        def desk() -> Desk:  # of the knowledge base serving now, reloaded or not
            return Desk.of(knowledge.current.kb, self.settings)

        def on_desk(work: DeskWork) -> Callable[[], Awaitable[None]]:
            async def round_() -> None:
                await work(database, desk(), self.clock())

            return round_

        escalate = on_desk(escalation.escalate_due)
        background.start(
            "escalation", every(escalation.INTERVAL, escalate, stop, skipped="escalation")
        )
        background.start(
            "alerts", every(alerts.INTERVAL, on_desk(alerts.scan), stop, skipped="staff alerts")
        )


class Background:
    """The server's background tasks: each started by name, all told to stop by one event."""

    def __init__(self) -> None:
        self.stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def start(self, name: str, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work, name=name)
        task.add_done_callback(_report_end)
        self._tasks.append(task)

    async def cancel(self) -> None:
        for task in self._tasks:
            task.cancel()
        # One that had stopped with an error was logged then (`_report_end`): it must not stop
        # the shut-down too, before the database is closed.
        await asyncio.gather(*self._tasks, return_exceptions=True)


def _report_end(task: asyncio.Task[None]) -> None:
    """A background task that stops by itself before shut-down is a fault worth a log line."""
    if not task.cancelled() and (error := task.exception()) is not None:
        log.error("background task %s stopped", task.get_name(), exc_info=error)


async def prune(database: Database, now: datetime) -> None:
    """One round of forgetting: dedupe keys past any redelivery, rate counts of ended windows,
    webhook nonces whose timestamps no longer pass, expired console sessions, and staff alerts'
    marks older than any repeat they guard against. The server runs it hourly."""
    async with database.transaction() as session:
        await DedupeKeys(session).prune(now - DEDUPE_KEEP)
        await RateCounts(session).prune(now)
        await Nonces(session).prune(now - NONCES_KEEP)
        await StaffSessions(session).prune(now)
        await AlertMarks(session).prune(now - alerts.KEEP_MARKS)
