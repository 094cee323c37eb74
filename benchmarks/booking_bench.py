"""Booking under contention: many people confirm the same slot of 10 places at once.

Through `Engine.handle`, with four connection pools standing in for four server processes, on
SQLite and on PostgreSQL: everyone walks to the confirmation first, then all confirm together.
The figures say how many got a place (must be 10), how many were told the slot is full and
offered the next free one (all the others), how many were lost or doubled (must be 0), and how
fast the burst of confirmations went. A second figure times the bare repository: concurrent
`Bookings.book` calls at the same 10 places.

`vetbot bench` calls `run()`; `python -m benchmarks.booking_bench [--quick]` prints the figures.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path

import asyncpg
from sqlalchemy import func, select

from bot.config import get_settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from bot.conversation.types import ConversationKey, Inbound
from storage import migrate
from storage.database import Database
from storage.models import Booking
from storage.repositories.bookings import Bookings, Contact, Place
from storage.repositories.users import Users

PLACES, PROCESSES = 10, 4
TODAY = date(2026, 9, 18)  # a Friday the holiday calendar knows; the slot is Monday morning
DAY = "2026-09-21"
STATION = "tongshi"
WALK = ("booking", "flow:booking:v:优待证", f"flow:booking:st:{STATION}", f"flow:booking:d:{DAY}")
POSTGRES = os.environ.get("VETBOT_BENCH_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")


def _knowledge(folder: Path) -> Knowledge:
    """The shipped policies with 10 places a slot at the station booked."""
    root = folder / "policies"
    shutil.copytree(get_settings().policies_dir, root, ignore=shutil.ignore_patterns("*.py"))
    stations = root / "stations.yaml"
    text = stations.read_text(encoding="utf-8")
    found = re.search(rf"^  - id: {STATION}\b", text, re.MULTILINE)  # a comment may follow
    assert found is not None, f"no station {STATION} in {stations}"
    start = found.start()
    at = text.index("booking_capacity:", start)
    end = text.index("\n", at)
    stations.write_text(text[:at] + f"booking_capacity: {PLACES}" + text[end:], "utf-8")
    return Knowledge.build(root)


async def _say(engine: Engine, user: str, payload: str) -> tuple[str, float]:
    key = ConversationKey("bench", user, user)
    started = time.perf_counter()
    [reply] = await engine.handle(Inbound(key, secrets.token_hex(8), payload=payload))
    return reply.text, time.perf_counter() - started


async def _through_engine(
    name: str, pools: list[Database], knowledge: Knowledge, people: int
) -> dict[str, float]:
    store = KnowledgeStore(Path("."), knowledge)
    engines = [Engine(pool, store, get_settings(), today=lambda: TODAY) for pool in pools]
    users = [(engines[n % len(engines)], f"{name}-{n}") for n in range(people)]

    async def ready(engine: Engine, user: str) -> None:
        for payload in WALK:
            await _say(engine, user, payload)
        await _say(engine, user, "flow:booking:sl:上午")

    await asyncio.gather(*(ready(engine, user) for engine, user in users))
    started = time.perf_counter()
    results = await asyncio.gather(
        *(_say(engine, user, "flow:booking:confirm") for engine, user in users)
    )
    elapsed = time.perf_counter() - started
    booked = sum("预约成功" in text for text, _ in results)
    offered = sum("刚刚约满了" in text and "下午" in text for text, _ in results)
    async with pools[0].transaction() as session:
        rows = await session.scalar(select(func.count()).select_from(Booking))
    latencies = sorted(seconds for _, seconds in results)
    return {
        f"booking_{name}_attempts": people,
        f"booking_{name}_booked": booked,
        f"booking_{name}_told_full_offered_next": offered,
        f"booking_{name}_lost_or_doubled": (people - booked - offered) + abs((rows or 0) - booked),
        f"booking_{name}_confirms_per_s": round(people / elapsed, 1),
        f"booking_{name}_confirm_p50_ms": round(statistics.median(latencies) * 1000, 1),
        f"booking_{name}_confirm_p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 1),
    }


async def _bare_repository(name: str, pools: list[Database], attempts: int) -> dict[str, float]:
    async with pools[0].transaction() as session:
        user_id = await Users(session).identify("bench", f"{name}-raw")
    contact = Contact(user_id, "zh", "bench", "raw", "raw")
    place = Place("raw", date.fromisoformat(DAY), "上午")

    async def attempt(pool: Database) -> bool:
        async with pool.transaction() as session:
            visit = await Bookings(session).book(
                place, PLACES, number_prefix="RAW", service="x", contact=contact, remind_at=None
            )
        return visit is not None

    started = time.perf_counter()
    made = await asyncio.gather(*(attempt(pools[n % len(pools)]) for n in range(attempts)))
    elapsed = time.perf_counter() - started
    return {
        f"booking_{name}_raw_attempts": attempts,
        f"booking_{name}_raw_booked": sum(made),
        f"booking_{name}_raw_attempts_per_s": round(attempts / elapsed, 1),
    }


@asynccontextmanager
async def _pools(open_one: Callable[[], Database]) -> AsyncIterator[list[Database]]:
    pools = [open_one() for _ in range(PROCESSES)]
    try:
        await migrate.upgrade(pools[0])
        yield pools
    finally:
        for pool in pools:
            await pool.dispose()


async def _figures(
    name: str, open_one: Callable[[], Database], knowledge: Knowledge, quick: bool
) -> dict[str, float]:
    people = 200 if quick else 1000
    async with _pools(open_one) as pools:
        figures = await _through_engine(name, pools, knowledge, people)
        figures.update(await _bare_repository(name, pools, people))
    return figures


async def _all(quick: bool) -> dict[str, float | str]:
    figures: dict[str, float | str] = {}
    with tempfile.TemporaryDirectory() as folder:
        knowledge = await asyncio.to_thread(_knowledge, Path(folder))
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        figures.update(await _figures("sqlite", lambda: Database(url), knowledge, quick))
        try:
            connection = await asyncpg.connect(POSTGRES, timeout=3)
        except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
            figures["booking_postgresql"] = f"skipped: no PostgreSQL at {POSTGRES} ({exc})"
            return figures
        schema = f"bench_{secrets.token_hex(4)}"
        try:
            await connection.execute(f'CREATE SCHEMA "{schema}"')
            pg = await _figures(
                "postgresql", lambda: Database(POSTGRES, search_path=schema), knowledge, quick
            )
            figures.update(pg)
        finally:
            await connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
            await connection.close()
    return figures


def run(quick: bool = False) -> dict[str, float | str]:
    """Every figure of this file (called by `vetbot bench`, outside any running event loop)."""
    return asyncio.run(_all(quick))


if __name__ == "__main__":
    for figure, value in run(quick="--quick" in sys.argv).items():
        print(f"{figure:48} {value}")
