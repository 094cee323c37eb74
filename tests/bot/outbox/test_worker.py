"""The outbox worker: delivers, retries when the platform asks, gives up when it says never."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.conversation.types import ConversationKey, Option, Outbound
from bot.outbox.sender import DeliveryError
from bot.outbox.worker import MAX_ATTEMPTS, OutboxWorker, backoff
from storage.database import Database
from storage.models.base import utcnow
from storage.repositories.outbox import Outbox

KEY = ConversationKey("fake", "chat-1", "user-1")
REPLY = [Outbound("您的申请已受理", options=(Option("回到主菜单", "menu"),))]


class Platform:
    """The sending side of a platform: records what arrives, or fails as told."""

    channel = "fake"

    def __init__(self, *failures: BaseException) -> None:
        self.failures = list(failures)
        self.sent: list[tuple[ConversationKey, list[Outbound]]] = []

    async def send(self, key: ConversationKey, replies: list[Outbound]) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((key, replies))


async def due_later(database: Database, seconds: float) -> int:
    """Deliver as if `seconds` had passed (claims use the clock; jump it by moving rows back)."""
    async with database.transaction() as session:
        items = await Outbox(session).claim(
            limit=10,
            lease=timedelta(minutes=2),
            channels=["fake"],
            now=utcnow() + timedelta(seconds=seconds),
        )
    return len(items)


async def test_a_queued_message_is_delivered_once(database: Database) -> None:
    platform = Platform()
    worker = OutboxWorker(database, {"fake": platform})
    await worker.enqueue(KEY, REPLY)
    assert await worker.deliver_due() == 1
    assert await worker.deliver_due() == 0
    assert platform.sent == [(KEY, REPLY)]
    async with database.transaction() as session:
        assert await Outbox(session).pending() == 0


async def test_the_platforms_retry_after_is_respected(database: Database) -> None:
    platform = Platform(DeliveryError("flood control", retry_after=30))
    worker = OutboxWorker(database, {"fake": platform})
    await worker.enqueue(KEY, REPLY)
    await worker.deliver_due()
    assert await worker.deliver_due() == 0  # not due yet
    assert await due_later(database, 31) == 1


async def test_a_permanent_failure_is_given_up_and_kept(database: Database) -> None:
    worker = OutboxWorker(database, {"fake": Platform(DeliveryError("blocked", permanent=True))})
    await worker.enqueue(KEY, REPLY)
    await worker.deliver_due()
    assert await due_later(database, 10 * 3600) == 0
    async with database.transaction() as session:
        assert await Outbox(session).pending() == 0


async def test_an_unexpected_error_is_logged_and_retried(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    platform = Platform(RuntimeError("adapter bug"))
    worker = OutboxWorker(database, {"fake": platform})
    await worker.enqueue(KEY, REPLY)
    await worker.deliver_due()
    assert "outbox delivery failed" in caplog.text and "adapter bug" in caplog.text
    assert await due_later(database, backoff(1).total_seconds() + 1) == 1


async def test_retries_stop_after_the_last_attempt(database: Database) -> None:
    worker = OutboxWorker(database, {"fake": Platform(*[DeliveryError("down")] * MAX_ATTEMPTS)})
    await worker.enqueue(KEY, REPLY)
    for _ in range(MAX_ATTEMPTS):
        async with database.transaction() as session:  # make it due now, as time would
            await Outbox(session).failed(1, "down", utcnow() - timedelta(seconds=1))
        await worker.deliver_due()
    async with database.transaction() as session:
        assert await Outbox(session).pending() == 0


async def test_the_worker_loop_delivers_until_stopped(database: Database) -> None:
    platform = Platform()
    worker = OutboxWorker(database, {"fake": platform})
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop, idle=0.02))
    await worker.enqueue(KEY, REPLY)
    for _ in range(200):
        if platform.sent:
            break
        await asyncio.sleep(0.02)
    stop.set()
    await asyncio.wait_for(running, 5)
    assert platform.sent == [(KEY, REPLY)]


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [5, 10, 20]
    assert backoff(30) == timedelta(hours=1)
