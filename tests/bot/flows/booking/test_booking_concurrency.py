"""The capacity figure: 200 people confirm the same slot of 10 places at once, through the
engine, served by four processes' worth of connection pools, on SQLite and PostgreSQL.

Exactly 10 get a booking; the other 190 are told the slot is full and offered the next free
one; nothing is lost or booked twice. Correctness only: timings are for the benchmark.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from datetime import date

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from storage.database import Database
from storage.models import Booking, BookingSlot
from tests.bot.chatting import Chat
from tests.bot.flows.dated import TODAY
from tests.paths import FIXTURE_KB
from tests.twins import twin

PEOPLE, PLACES, PROCESSES = 200, 10, 4
DAY = "2026-09-21"


@pytest.fixture(scope="module")
def ten_places(tmp_path_factory: pytest.TempPathFactory) -> Knowledge:
    """The fixture knowledge base with 10 places a slot at Tongshi."""
    root = tmp_path_factory.mktemp("policies") / "policies"
    shutil.copytree(FIXTURE_KB, root)
    stations = root / "stations.yaml"
    text = stations.read_text(encoding="utf-8")
    stations.write_text(
        text.replace("    booking_capacity: 1\n", f"    booking_capacity: {PLACES}\n"), "utf-8"
    )
    return Knowledge.build(root)


@pytest.fixture
async def engines(
    database: Database, ten_places: Knowledge, settings: Settings
) -> AsyncIterator[list[Engine]]:
    pools = [database, *(twin(database) for _ in range(PROCESSES - 1))]
    store = KnowledgeStore(FIXTURE_KB, ten_places)
    yield [Engine(pool, store, settings, today=lambda: TODAY) for pool in pools]
    for pool in pools[1:]:
        await pool.dispose()


async def ready(chat: Chat) -> None:
    """Walk to the confirmation of 上午 on DAY at Tongshi."""
    for payload in (
        "booking",
        "flow:booking:v:优待证",
        "flow:booking:st:tongshi",
        f"flow:booking:d:{DAY}",
        "flow:booking:sl:上午",
    ):
        await chat.pick(payload)


@pytest.mark.timeout(300)  # 200 engines at once: ~20 s on PostgreSQL on a busy two-core machine
async def test_200_confirm_at_once_10_get_places(engines: list[Engine], database: Database) -> None:
    people = [Chat(engines[n % PROCESSES], f"veteran-{n}") for n in range(PEOPLE)]
    await asyncio.gather(*(ready(person) for person in people))
    replies = await asyncio.gather(*(person.pick("flow:booking:confirm") for person in people))

    booked = [r for r in replies if "预约成功" in r.text]
    full = [r for r in replies if "刚刚约满了" in r.text]
    assert len(booked) == PLACES and len(full) == PEOPLE - PLACES
    numbers = {r.text.split("预约号是 ")[1].split("，")[0] for r in booked}
    assert len(numbers) == PLACES
    # Everyone turned away is offered the next free place (that afternoon), ready to confirm.
    assert all("时间：2026年9月21日（周一） 下午" in r.text for r in full)
    assert all(r.options[0].payload == "flow:booking:confirm" for r in full)

    async with database.transaction() as session:
        rows = list(await session.scalars(select(Booking)))
        slots = {s.slot: s.booked for s in await session.scalars(select(BookingSlot))}
    assert sorted(b.number for b in rows) == sorted(numbers)  # none lost, none doubled
    assert slots == {"上午": PLACES}
    assert date.fromisoformat(DAY).weekday() == 0
