"""The message log keeps order; dedupe keys return stored replies and age out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from storage.database import Database
from storage.models.base import utcnow
from storage.repositories.conversations import Conversations
from storage.repositories.dedupe import DedupeKeys
from storage.repositories.messages import Logged, MessageLog


async def _conversation(database: Database) -> int:
    async with database.transaction() as session:
        return (await Conversations(session).open("web", "log", "log")).id


async def test_log_returns_the_latest_messages_oldest_first(database: Database) -> None:
    conversation = await _conversation(database)
    async with database.transaction() as session:
        log = MessageLog(session)
        for n in range(5):
            await log.add(conversation, "in", f"问题{n}")
            await log.add(
                conversation, "out", f"回答{n}", options=[("菜单", "menu")], outcome="answer"
            )
    async with database.transaction() as session:
        recent = await MessageLog(session).recent(conversation, limit=4)
    assert [m.text for m in recent] == ["问题3", "回答3", "问题4", "回答4"]
    assert recent[-1].options == [("菜单", "menu")] and recent[-1].outcome == "answer"
    assert all(m.created_at.tzinfo is not None for m in recent)


async def test_log_rejects_an_unknown_direction(database: Database) -> None:
    conversation = await _conversation(database)
    async with database.transaction() as session:
        with pytest.raises(ValueError, match="direction"):
            await MessageLog(session).add(conversation, "sideways", "x")  # type: ignore[arg-type]


async def test_dedupe_returns_the_stored_replies(database: Database) -> None:
    conversation = await _conversation(database)
    replies = [{"text": "您好", "options": [{"label": "菜单", "payload": "menu"}]}]
    async with database.transaction() as session:
        keys = DedupeKeys(session)
        assert await keys.replies_for(conversation, "m1") is None
        await keys.remember(conversation, "m1", replies)
    async with database.transaction() as session:
        assert await DedupeKeys(session).replies_for(conversation, "m1") == replies


async def test_dedupe_key_cannot_be_written_twice(database: Database) -> None:
    conversation = await _conversation(database)
    async with database.transaction() as session:
        await DedupeKeys(session).remember(conversation, "m1", [])
    with pytest.raises(IntegrityError):
        async with database.transaction() as session:
            await DedupeKeys(session).remember(conversation, "m1", [])


async def test_prune_forgets_only_old_keys(database: Database) -> None:
    conversation = await _conversation(database)
    async with database.transaction() as session:
        await DedupeKeys(session).remember(conversation, "old", [])
    async with database.transaction() as session:
        assert await DedupeKeys(session).prune(utcnow() - timedelta(days=1)) == 0
        assert await DedupeKeys(session).prune(utcnow() + timedelta(seconds=1)) == 1
        assert await DedupeKeys(session).replies_for(conversation, "old") is None


async def test_a_turn_is_logged_in_one_statement_in_order(database: Database) -> None:
    conversation = await _conversation(database)
    now = utcnow()
    turn = [
        Logged("in", "优待证", now),
        Logged("out", "您想问的是哪一个？", now, options=[("挂失", "entry:x")], outcome="clarify"),
    ]
    async with database.transaction() as session:
        await MessageLog(session).add_all(conversation, turn)
        with pytest.raises(ValueError, match="direction"):
            await MessageLog(session).add_all(conversation, [Logged("up", "x", now)])  # type: ignore[arg-type]
    async with database.transaction() as session:
        assert await MessageLog(session).recent(conversation) == turn
