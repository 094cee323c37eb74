"""The day-before reminders: a task in every server process queues the due ones in the outbox.

Claiming a reminder and queueing its message commit together, and a claim takes only rows no
other process holds (SKIP LOCKED on PostgreSQL; SQLite serialises writers), so however many
processes run, each reminder is queued once. The outbox delivers it with retries.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from bot.background import every
from bot.casework.notices import tell
from bot.conversation.knowledge import KnowledgeStore
from bot.conversation.types import ConversationKey
from bot.flows.booking.words import visit_line
from bot.messages import Catalogue, catalogue
from storage.database import Database
from storage.models.base import utcnow
from storage.repositories.bookings import Bookings

log = logging.getLogger(__name__)

BATCH = 50
POLL_SECONDS = 60.0  # reminders are due on the hour; a minute late is on time


class Reminders:
    def __init__(
        self,
        database: Database,
        knowledge: KnowledgeStore,
        messages: Catalogue | None = None,
        *,
        batch: int = BATCH,
    ) -> None:
        self.database = database
        self.knowledge = knowledge
        self.messages = messages or catalogue()
        self.batch = batch

    async def queue_due(self, now: datetime | None = None) -> int:
        """Queue one batch of due reminders; the number queued."""
        kb = self.knowledge.current.kb
        async with self.database.transaction() as session:
            visits = await Bookings(session).claim_reminders(now or utcnow(), self.batch)
            for visit in visits:
                lang = visit.language
                lines = [
                    self.messages.text(lang, "booking.reminder"),
                    visit_line(self.messages, kb, lang, visit),
                    self.messages.text(lang, "booking.reminder_change"),
                ]
                to = ConversationKey(visit.channel, visit.chat_id, visit.external_user_id)
                await tell(session, to, self.messages, lang, lines, visit.filed_for)
        if visits:
            log.info("reminders queued", extra={"count": len(visits)})
        return len(visits)

    async def run(self, stop: asyncio.Event, idle: float = POLL_SECONDS) -> None:
        """Queue due reminders until `stop` is set; a full batch goes round again at once."""

        async def round_() -> bool:
            return await self.queue_due() >= self.batch

        await every(idle, round_, stop, skipped="reminders")
