"""Day-before reminders: queued in the outbox once, however many server processes run."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from bot.casework.reminders import Reminders
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from bot.conversation.replies import decode_replies
from storage.database import Database
from storage.models.base import utcnow
from storage.repositories.bookings import Bookings, Contact, Place
from storage.repositories.outbox import Outbox
from storage.repositories.users import Users
from tests.paths import FIXTURE_KB
from tests.twins import twin


async def book(database: Database, n: int, remind_in: timedelta, language: str = "zh") -> None:
    async with database.transaction() as session:
        user_id = await Users(session).identify("test", f"u{n}")
        await Bookings(session).book(
            Place("tongshi", date(2026, 9, 21), "上午"),
            100,
            number_prefix="PJY",
            service="优待证",
            contact=Contact(user_id, language, "test", f"chat{n}", f"u{n}"),
            remind_at=utcnow() + remind_in,
        )


async def outbox_texts(database: Database) -> list[tuple[str, str]]:
    async with database.transaction() as session:
        items = await Outbox(session).claim(limit=500, lease=timedelta(0), channels=["test"])
    return [(i.chat_id, decode_replies(i.payload)[0].text) for i in items]


async def test_due_reminders_are_queued_once(database: Database, knowledge: Knowledge) -> None:
    await book(database, 1, -timedelta(minutes=5))
    await book(database, 2, timedelta(hours=3))  # not due yet
    await book(database, 3, -timedelta(minutes=1), language="en")
    reminders = Reminders(database, KnowledgeStore(FIXTURE_KB, knowledge))
    assert await reminders.queue_due() == 2
    assert await reminders.queue_due() == 0
    texts = dict(await outbox_texts(database))
    assert set(texts) == {"chat1", "chat3"}
    assert texts["chat1"].startswith(
        "提醒：您明天有一个预约。\nPJY-2026-000001：2026年9月21日（周一） 上午"
    )
    assert "取消或改期" in texts["chat1"]
    assert texts["chat3"].startswith("Reminder: you have a visit booked for tomorrow.")
    assert await reminders.queue_due(utcnow() + timedelta(hours=4)) == 1  # its time came


async def test_several_processes_queue_each_reminder_once(
    database: Database, knowledge: Knowledge
) -> None:
    for n in range(40):
        await book(database, n, -timedelta(minutes=n))
    pools = [database, twin(database), twin(database)]
    store = KnowledgeStore(FIXTURE_KB, knowledge)

    async def drain(pool: Database) -> int:
        worker, total = Reminders(pool, store, batch=5), 0
        while queued := await worker.queue_due():
            total += queued
        return total

    try:
        counts = await asyncio.gather(*(drain(pool) for pool in pools))
    finally:
        for pool in pools[1:]:
            await pool.dispose()
    assert sum(counts) == 40
    chats = [chat for chat, _ in await outbox_texts(database)]
    assert sorted(chats) == sorted(f"chat{n}" for n in range(40))


async def test_the_scheduler_runs_until_stopped(database: Database, knowledge: Knowledge) -> None:
    await book(database, 1, -timedelta(minutes=5))
    stop = asyncio.Event()
    task = asyncio.create_task(
        Reminders(database, KnowledgeStore(FIXTURE_KB, knowledge)).run(stop, idle=0.01)
    )
    for _ in range(200):
        if await outbox_texts(database):
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(task, 5)
    async with database.transaction() as session:
        assert await Outbox(session).pending() == 1  # queued once, for the outbox to deliver
