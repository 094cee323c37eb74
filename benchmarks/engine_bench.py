"""Engine throughput: messages/s through `Engine.handle` on SQLite and PostgreSQL, without HTTP
(the HTTP figures come from `benchmarks/http_bench.py`, driven by wrk).

`vetbot bench` calls `run()`; `python -m benchmarks.engine_bench [--quick]` prints the figures.
Every loop is bounded by a message count; nothing here is a pass/fail test.

Two kinds of message are timed apart, because they cost very differently: *navigation*
(a menu digit or a button: state, log, dedupe, commit, no understanding) and *questions*
(free text read by the understanding pipeline, then the same writes).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg

from bot.config import get_settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import KnowledgeStore
from bot.conversation.types import ConversationKey, Inbound
from storage import migrate
from storage.database import Database

QUESTIONS = ["优待证怎么办理", "抚恤金什么时候发", "义务兵家庭优待金", "服务站在哪里", "转人工"]
NAVIGATION = ["菜单", "1", "2", "1", "0"]  # menu → policy → a category → an entry → menu
POSTGRES = os.environ.get("VETBOT_BENCH_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")


def _ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2), "p99_ms": round(p99 * 1000, 2)}


async def _engine_rate(engine: Engine, texts: list[str], count: int, users: int) -> float:
    """Messages per second with `users` conversations talking at once, `count` messages in all."""
    per_user = max(1, count // users)

    async def user(n: int) -> None:
        key = ConversationKey("bench", f"u{n}", f"u{n}")
        for i in range(per_user):
            text = texts[i % len(texts)]
            await engine.handle(Inbound(key, secrets.token_hex(8), text=text))

    started = time.perf_counter()
    await asyncio.gather(*(user(n) for n in range(users)))
    return round(per_user * users / (time.perf_counter() - started), 1)


async def _engine_figures(
    name: str, database: Database, knowledge: KnowledgeStore, quick: bool
) -> dict[str, Any]:
    await migrate.upgrade(database)
    engine = Engine(database, knowledge, get_settings())
    navigation = 100 if quick else 500
    questions = 10 if quick else 50
    return {
        f"engine_{name}_navigation_msgs_per_s": await _engine_rate(
            engine, NAVIGATION, navigation, 1
        ),
        f"engine_{name}_navigation_msgs_per_s_8_users": await _engine_rate(
            engine, NAVIGATION, navigation, 8
        ),
        f"engine_{name}_question_msgs_per_s": await _engine_rate(engine, QUESTIONS, questions, 1),
    }


async def engine_bench(quick: bool = False) -> dict[str, Any]:
    settings = get_settings()
    knowledge = await KnowledgeStore.open(settings.policies_dir)
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{Path(folder) / 'bench.db'}")
        try:
            figures.update(await _engine_figures("sqlite", database, knowledge, quick))
        finally:
            await database.dispose()
    schema = f"bench_{secrets.token_hex(4)}"
    try:
        connection = await asyncpg.connect(POSTGRES, timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        figures["engine_postgresql"] = f"skipped: no PostgreSQL at {POSTGRES} ({exc})"
        return figures
    try:
        await connection.execute(f'CREATE SCHEMA "{schema}"')
        database = Database(POSTGRES, search_path=schema)
        try:
            figures.update(await _engine_figures("postgresql", database, knowledge, quick))
        finally:
            await database.dispose()
    finally:
        await connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await connection.close()
    return figures


async def _all(quick: bool) -> dict[str, Any]:
    return await engine_bench(quick)


def run(quick: bool = False) -> dict[str, Any]:
    """Every figure of this file (called by `vetbot bench`, outside any running event loop)."""
    return asyncio.run(_all(quick))


if __name__ == "__main__":
    for name, value in run(quick="--quick" in sys.argv).items():
        print(f"{name:48} {value}")
