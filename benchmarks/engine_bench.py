"""Engine and HTTP throughput: messages/s through `Engine.handle` (SQLite, PostgreSQL) and
requests/s with p50/p99 on `POST /api/chat` next to a trivial FastAPI endpoint, on loopback.

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
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from fastapi import FastAPI

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


def trivial_app() -> FastAPI:
    """The yardstick: the smallest FastAPI JSON endpoint, served by the same uvicorn."""
    app = FastAPI()

    @app.post("/api/chat")
    async def chat() -> dict[str, list[object]]:
        return {"replies": []}

    return app


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(command: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        command, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1)
            return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise TimeoutError(f"{command} did not start")


async def _load(
    url: str, count: int, concurrency: int, body: Callable[[int, int], dict[str, str]]
) -> dict[str, float]:
    """`count` POSTs from `concurrency` clients; requests/s and latency percentiles."""
    samples: list[float] = []
    per_client = max(1, count // concurrency)

    async def client(n: int, http: httpx.AsyncClient) -> None:
        for i in range(per_client):
            started = time.perf_counter()
            response = await http.post(url, json=body(n, i))
            response.raise_for_status()
            samples.append(time.perf_counter() - started)

    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(timeout=120, limits=limits) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client(n, http) for n in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {"rps": round(len(samples) / elapsed, 1), **_ms(samples)}


def _chat_body(texts: list[str], run: str) -> Callable[[int, int], dict[str, str]]:
    def body(client: int, i: int) -> dict[str, str]:
        return {
            "user_id": f"{run}-{client}",
            "message_id": secrets.token_hex(8),
            "text": texts[i % len(texts)],
        }

    return body


async def http_bench(quick: bool = False) -> dict[str, Any]:
    vetbot = str(Path(sys.executable).with_name("vetbot"))
    concurrency = 8
    navigation = 200 if quick else 1000
    questions = 16 if quick else 64
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        chat_port, trivial_port = _free_port(), _free_port()
        env = {
            "VETBOT_DATABASE_URL": f"sqlite:///{Path(folder) / 'http.db'}",
            "VETBOT_WATCH_POLICIES": "false",
            "VETBOT_LOG_LEVEL": "WARNING",
        }
        servers = [
            _start([vetbot, "serve", "--port", str(chat_port)], env, chat_port),
            _start(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "--factory",
                    "benchmarks.engine_bench:trivial_app",
                    "--port",
                    str(trivial_port),
                    "--log-level",
                    "warning",
                ],
                {},
                trivial_port,
            ),
        ]
        try:
            chat = f"http://127.0.0.1:{chat_port}/api/chat"
            trivial = f"http://127.0.0.1:{trivial_port}/api/chat"
            runs: list[tuple[str, Awaitable[dict[str, float]]]] = [
                (
                    "http_trivial",
                    _load(trivial, navigation, concurrency, _chat_body(["菜单"], "t")),
                ),
                (
                    "http_chat_navigation",
                    _load(chat, navigation, concurrency, _chat_body(NAVIGATION, "n")),
                ),
                (
                    "http_chat_question",
                    _load(chat, questions, concurrency, _chat_body(QUESTIONS, "q")),
                ),
            ]
            for name, measured in runs:
                for figure, value in (await measured).items():
                    figures[f"{name}_{figure}"] = value
        finally:
            for server in servers:
                server.terminate()
                server.wait(15)
    trivial_rps = figures["http_trivial_rps"]
    figures["http_chat_navigation_vs_trivial"] = round(
        figures["http_chat_navigation_rps"] / trivial_rps, 3
    )
    figures["http_concurrency"] = concurrency
    return figures


async def _all(quick: bool) -> dict[str, Any]:
    return {**await engine_bench(quick), **await http_bench(quick)}


def run(quick: bool = False) -> dict[str, Any]:
    """Every figure of this file (called by `vetbot bench`, outside any running event loop)."""
    return asyncio.run(_all(quick))


if __name__ == "__main__":
    for name, value in run(quick="--quick" in sys.argv).items():
        print(f"{name:48} {value}")
