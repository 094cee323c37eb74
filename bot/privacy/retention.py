"""Retention: conversations and resolved tickets are kept `VETBOT_RETENTION_YEARS` (3 by
default), then anonymised as an erasure does (bot/privacy/erase.py): the texts go, the rows the
reports count stay.

Past the retention period:
    messages        their text, button payload and options emptied
    conversations   idle that long: the form in progress and the options last offered emptied
    tickets         resolved that long ago: the summary and the staff's resolution note emptied
    dedupe keys     deleted (the replies they hold are texts of the conversation)

A daily job (`run`, started by the server) does it; `vetbot privacy retention --dry-run` counts
what it would anonymise.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.privacy.erase import scrub
from storage.database import Database
from storage.errors import StorageUnavailable
from storage.models import Conversation, DedupeKey, LoggedMessage, Ticket
from storage.models.base import utcnow

log = logging.getLogger(__name__)
DAY = 24 * 3600.0


@dataclass(frozen=True)
class Retained:
    """What one pass anonymised (or, in a dry run, would)."""

    cutoff: datetime
    messages: int = 0
    conversations: int = 0
    tickets: int = 0
    dedupe_keys: int = 0

    @property
    def total(self) -> int:
        return self.messages + self.conversations + self.tickets + self.dedupe_keys


def cutoff(settings: Settings, now: datetime) -> datetime:
    return now - timedelta(days=365.25 * settings.retention_years)


def _targets(before: datetime) -> dict[str, Any]:
    messages = (
        LoggedMessage.created_at < before,
        or_(LoggedMessage.text != "", LoggedMessage.payload.is_not(None)),
    )
    conversations = (
        Conversation.updated_at < before,
        or_(Conversation.flow.is_not(None), Conversation.step.is_not(None)),
    )
    tickets = (
        Ticket.status == "resolved",
        Ticket.resolved_at < before,
        or_(Ticket.summary != "", Ticket.resolution != ""),
    )
    return {
        "messages": (LoggedMessage, messages, {"text": "", "payload": None, "options": []}),
        "conversations": (
            Conversation,
            conversations,
            {"flow": None, "step": None, "values": {}, "options": []},
        ),
        "tickets": (Ticket, tickets, {"summary": "", "resolution": ""}),
    }


async def apply(
    session: AsyncSession, settings: Settings, now: datetime, *, dry_run: bool
) -> Retained:
    """Anonymise what is past retention at `now` (or only count it, `dry_run`)."""
    before = cutoff(settings, now)
    counts: dict[str, int] = {}
    for name, (model, where, values) in _targets(before).items():
        if dry_run:
            counts[name] = int(
                await session.scalar(select(func.count()).select_from(model).where(*where)) or 0
            )
        else:
            result = await session.execute(update(model).where(*where).values(values))
            counts[name] = int(getattr(result, "rowcount", 0) or 0)
    old_keys = DedupeKey.created_at < before
    if dry_run:
        counts["dedupe_keys"] = int(
            await session.scalar(select(func.count()).select_from(DedupeKey).where(old_keys)) or 0
        )
    else:
        result = await session.execute(delete(DedupeKey).where(old_keys))
        counts["dedupe_keys"] = int(getattr(result, "rowcount", 0) or 0)
    return Retained(before, **counts)


async def run(database: Database, settings: Settings, stop: asyncio.Event) -> None:
    """Daily: anonymise what is past retention; then let SQLite reuse the freed space, zeroed."""
    while not stop.is_set():
        try:
            async with database.transaction() as session:
                done = await apply(session, settings, utcnow(), dry_run=False)
            if done.total:
                log.info("retention: anonymised %s", done)
                await scrub(database)
        except StorageUnavailable as exc:
            log.warning("retention not applied this time: %s", exc)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), DAY)
