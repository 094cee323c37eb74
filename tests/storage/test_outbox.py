"""The outbox: claimed once per lease, retried, given up on, and shared safely by workers."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from storage.database import Database
from storage.models.base import utcnow
from storage.repositories.outbox import Outbox

LEASE = timedelta(minutes=1)


async def _add(database: Database, count: int, channel: str = "telegram") -> list[int]:
    async with database.transaction() as session:
        outbox = Outbox(session)
        return [await outbox.add(channel, "c", "u", [{"text": f"m{n}"}]) for n in range(count)]


async def test_claimed_messages_are_not_claimed_again_within_the_lease(database: Database) -> None:
    ids = await _add(database, 3)
    async with database.transaction() as session:
        claimed = await Outbox(session).claim(limit=10, lease=LEASE, channels=["telegram"])
    assert [item.id for item in claimed] == ids
    assert claimed[0].payload == [{"text": "m0"}] and claimed[0].attempts == 1
    async with database.transaction() as session:
        assert await Outbox(session).claim(limit=10, lease=LEASE, channels=["telegram"]) == []
    # A worker that died mid-delivery: after the lease the message is due again.
    later = utcnow() + LEASE + timedelta(seconds=1)
    async with database.transaction() as session:
        again = await Outbox(session).claim(limit=10, lease=LEASE, channels=["telegram"], now=later)
    assert [item.attempts for item in again] == [2, 2, 2]


async def test_delivered_and_given_up_messages_stop_pending(database: Database) -> None:
    first, second, third = await _add(database, 3)
    async with database.transaction() as session:
        outbox = Outbox(session)
        await outbox.claim(limit=10, lease=LEASE, channels=["telegram"])
        await outbox.delivered(first)
        await outbox.failed(second, "user blocked the bot", retry_at=None)
        await outbox.failed(third, "timeout", retry_at=utcnow() - timedelta(seconds=1))
    async with database.transaction() as session:
        outbox = Outbox(session)
        assert await outbox.pending() == 1
        retried = await outbox.claim(limit=10, lease=LEASE, channels=["telegram"])
    assert [item.id for item in retried] == [third]


async def test_claim_takes_only_the_workers_channels_and_future_messages_wait(
    database: Database,
) -> None:
    await _add(database, 1, channel="wechat")
    async with database.transaction() as session:
        await Outbox(session).add(
            "telegram", "c", "u", [], not_before=utcnow() + timedelta(hours=1)
        )
        assert await Outbox(session).claim(limit=10, lease=LEASE, channels=["telegram"]) == []


async def test_concurrent_workers_never_claim_the_same_message(database: Database) -> None:
    ids = await _add(database, 20)

    async def worker() -> list[int]:
        taken: list[int] = []
        while True:
            async with database.transaction() as session:
                batch = await Outbox(session).claim(limit=3, lease=LEASE, channels=["telegram"])
                await asyncio.sleep(0.01)  # hold the claim's locks while the other worker runs
            if not batch:
                return taken
            taken.extend(item.id for item in batch)

    results = await asyncio.gather(*(worker() for _ in range(4)))
    claimed = [item for result in results for item in result]
    assert sorted(claimed) == ids
