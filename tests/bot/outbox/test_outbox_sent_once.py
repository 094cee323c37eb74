"""An outbox message sent while the database went away is not sent again when its lease runs
out (bug: the "delivered" mark failed with the database, so the message was claimed and sent a
second time)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.conversation.types import ConversationKey, Outbound
from bot.outbox.notify import queue
from bot.outbox.worker import OutboxWorker
from storage.errors import StorageUnavailable
from storage.models import OutboxMessage
from storage.models.base import utcnow
from storage.repositories.outbox import Outbox
from tests.storage.blips import Blip, blip_in

KEY = ConversationKey("fake", "chat-1", "user-1")


class Platform:
    """Takes the message, and the database goes away just as it does."""

    channel = "fake"

    def __init__(self, blip: Blip) -> None:
        self.blip = blip
        self.sent: list[list[Outbound]] = []

    async def send(self, key: ConversationKey, replies: list[Outbound]) -> None:
        self.sent.append(replies)
        if len(self.sent) == 1:
            await self.blip.start()


@pytest.fixture
async def blip(tmp_path: Path) -> AsyncIterator[Blip]:
    async with blip_in(tmp_path / "db") as blip:
        yield blip


async def test_a_message_sent_as_the_database_went_away_is_not_sent_twice(blip: Blip) -> None:
    async with blip.database.transaction() as session:
        await queue(session, KEY, [Outbound("您的申请已受理")])
    platform = Platform(blip)
    worker = OutboxWorker(blip.database, {"fake": platform})
    with pytest.raises(StorageUnavailable):
        await worker.deliver_due()  # sent; the "delivered" mark could not be written
    blip.end()
    async with blip.database.transaction() as session:  # its lease runs out
        await session.execute(
            update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )
    assert await worker.deliver_due() == 0
    assert len(platform.sent) == 1
    async with blip.database.transaction() as session:
        assert await Outbox(session).pending() == 0
