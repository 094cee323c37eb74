"""Retention: conversations and resolved tickets older than the setting are anonymised like an
erasure (texts gone, counted rows kept); a dry run only counts; newer ones are untouched."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from bot.config import Settings
from bot.conversation.engine import Engine
from bot.privacy import retention
from storage.database import Database
from storage.models import LoggedMessage, Ticket
from storage.models.base import utcnow
from tests.bot.privacy.people import NEIGHBOUR, VETERAN, busy_veteran, figures


async def test_retention_anonymises_only_what_is_older(
    engine: Engine, database: Database, settings: Settings
) -> None:
    old_chat, _ = await busy_veteran(engine, "old", who=VETERAN, book=False)
    await busy_veteran(engine, "recent", who=NEIGHBOUR, book=False)
    old_conversation = (await old_chat.state()).id
    long_ago = utcnow() - timedelta(days=365 * 3 + 30)
    async with database.transaction() as session:
        await session.execute(
            update(LoggedMessage)
            .where(LoggedMessage.conversation_id == old_conversation)
            .values(created_at=long_ago)
        )
        await session.execute(
            update(Ticket)
            .where(Ticket.conversation_id == old_conversation)
            .values(status="resolved", resolved_at=long_ago, resolution="已电话联系张三")
        )
    before = await figures(database)

    async with database.transaction() as session:
        dry = await retention.apply(session, settings, utcnow(), dry_run=True)
    assert dry.messages > 0 and dry.tickets == 1
    async with database.transaction() as session:
        kept = await session.scalar(
            select(func.count()).select_from(LoggedMessage).where(LoggedMessage.text != "")
        )
    async with database.transaction() as session:
        done = await retention.apply(session, settings, utcnow(), dry_run=False)
    assert (done.messages, done.tickets) == (dry.messages, dry.tickets)
    async with database.transaction() as session:
        texts = list(
            await session.scalars(
                select(LoggedMessage.text).where(LoggedMessage.conversation_id == old_conversation)
            )
        )
        left = await session.scalar(
            select(func.count()).select_from(LoggedMessage).where(LoggedMessage.text != "")
        )
        ticket = await session.scalar(
            select(Ticket).where(Ticket.conversation_id == old_conversation)
        )
    assert texts and set(texts) == {""}
    assert left == (kept or 0) - done.messages and left and left > 0  # the recent chat's stay
    assert ticket is not None and (ticket.summary, ticket.resolution) == ("", "")
    assert await figures(database) == before
    async with database.transaction() as session:
        again = await retention.apply(session, settings, utcnow(), dry_run=True)
    assert (again.messages, again.tickets) == (0, 0)


def test_retention_years_is_a_setting() -> None:
    assert Settings().retention_years == 3.0
    assert Settings(retention_years=1.5).retention_years == 1.5
