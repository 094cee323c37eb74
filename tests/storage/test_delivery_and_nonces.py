"""What issue 16 stores: whether a turn's replies were delivered, the signed webhook requests
seen lately, and the staff login counts read and forgotten, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from storage.database import Database
from storage.models.base import utcnow
from storage.repositories.conversations import Conversations
from storage.repositories.dedupe import DedupeKeys, Handled
from storage.repositories.limits import RateCounts
from storage.repositories.nonces import Nonces


async def test_a_remembered_message_is_marked_delivered_in_its_own_conversation(
    database: Database,
) -> None:
    async with database.transaction() as session:
        ours = (await Conversations(session).open("telegram", "42", "42")).id
        theirs = (await Conversations(session).open("telegram", "43", "43")).id
        keys = DedupeKeys(session)
        await keys.remember(ours, "42:7", [{"text": "您好"}])
        await keys.remember(theirs, "42:7", [{"text": "别人的"}])
    async with database.transaction() as session:
        keys = DedupeKeys(session)
        assert await keys.handled(ours, "42:7") == Handled([{"text": "您好"}], delivered=False)
        assert await keys.delivered("telegram", "42", "42", "42:7") is True
        assert await keys.delivered("telegram", "42", "42", "42:8") is False  # never handled
        assert await keys.delivered("wechat", "42", "42", "42:7") is False
    async with database.transaction() as session:
        keys = DedupeKeys(session)
        assert (await keys.handled(ours, "42:7")) == Handled([{"text": "您好"}], delivered=True)
        assert (await keys.handled(theirs, "42:7")) == Handled([{"text": "别人的"}], False)


async def test_a_nonce_is_good_for_one_body_only(database: Database) -> None:
    async with database.transaction() as session:
        nonces = Nonces(session)
        assert await nonces.first_use("wechat", "1700000000:123", "a" * 64)
        assert await nonces.first_use("wechat", "1700000000:123", "a" * 64)  # a retry
        assert not await nonces.first_use("wechat", "1700000000:123", "b" * 64)  # a forgery
        assert await nonces.first_use("other", "1700000000:123", "b" * 64)


async def test_old_nonces_are_pruned(database: Database) -> None:
    now = utcnow()
    async with database.transaction() as session:
        nonces = Nonces(session)
        await nonces.first_use("wechat", "old", "a" * 64, now - timedelta(hours=1))
        await nonces.first_use("wechat", "new", "a" * 64, now)
        assert await nonces.prune(now - timedelta(minutes=10)) == 1
        assert await nonces.first_use("wechat", "old", "b" * 64)  # forgotten: a new pair
        assert not await nonces.first_use("wechat", "new", "b" * 64)


async def test_counts_are_read_without_counting_and_forgotten_by_prefix(
    database: Database,
) -> None:
    now, window = utcnow(), timedelta(minutes=15)
    async with database.transaction() as session:
        counts = RateCounts(session)
        assert await counts.count("login", "ab" * 32, window, now) == 0
        for _ in range(3):
            await counts.hit("login", "ab" * 32, window, now)
        await counts.hit("login", "ab" * 16 + "cd" * 16, window, now)
        await counts.hit("login", "ef" * 32, window, now)
        assert await counts.count("login", "ab" * 32, window, now) == 3
        await counts.forget("login", "ab" * 16)
        assert await counts.count("login", "ab" * 32, window, now) == 0
        assert await counts.count("login", "ab" * 16 + "cd" * 16, window, now) == 0
        assert await counts.count("login", "ef" * 32, window, now) == 1
