"""`vetbot serve --workers N`: several processes on one PostgreSQL database behave as one; on
SQLite (one file, one writer) the option is refused with what to do instead."""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.bot.web.servers import VETBOT, ServerProcess, free_port
from tests.conftest import require_postgres

KEY = "workers-test-key-0123456789"


def test_several_workers_on_sqlite_are_refused(tmp_path: Path, policies: Path) -> None:
    result = subprocess.run(
        [str(VETBOT), "serve", "--port", str(free_port()), "--workers", "2"],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "VETBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'one.db'}",
            "VETBOT_POLICIES_DIR": str(policies),
        },
        timeout=120,
    )
    assert result.returncode == 2
    assert "several workers need PostgreSQL" in result.stderr


@pytest.fixture
async def fresh_postgres() -> AsyncIterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped afterwards: the server's processes
    migrate and use it as a deployment would."""
    url = await require_postgres()
    name = f"vetbot_workers_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(url, timeout=10)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(child) for child in text]
    return found


@pytest.mark.postgres
@pytest.mark.timeout(300)
async def test_two_workers_handle_one_users_burst_one_turn_at_a_time(
    tmp_path: Path, policies: Path, fresh_postgres: str
) -> None:
    env = {
        "VETBOT_DATABASE_URL": fresh_postgres,
        "VETBOT_POLICIES_DIR": str(policies),
        "VETBOT_WATCH_POLICIES": "false",
        "VETBOT_API_KEY": KEY,
    }
    server = ServerProcess(env, free_port(), tmp_path / "server.log", ("--workers", "2"))
    await asyncio.to_thread(server.start, 120)
    try:
        assert server.process is not None
        assert len(_children(server.process.pid)) >= 2, "two worker processes"
        texts = [f"第{n}条：优待证怎么办理" for n in range(10)]
        headers = {"Authorization": f"Bearer {KEY}"}
        async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=60) as http:
            # The conversation exists and both processes have answered once before the burst.
            for n in range(4):
                warm = {"user_id": "burst", "message_id": f"warm{n}", "text": "菜单"}
                assert (await http.post("/api/chat", json=warm)).status_code == 200

            async def send(n: int) -> int:
                await asyncio.sleep(0.05 * n)  # they arrive in this order, all in flight at once
                body = {"user_id": "burst", "message_id": f"m{n}", "text": texts[n]}
                return (await http.post("/api/chat", json=body)).status_code

            statuses = await asyncio.gather(*(send(n) for n in range(10)))
            assert statuses == [200] * 10
            # The same ten again: deduplicated, whichever process each lands on.
            again = [
                {"user_id": "burst", "message_id": f"m{n}", "text": texts[n]} for n in range(10)
            ]
            await asyncio.gather(*(http.post("/api/chat", json=body) for body in again))
    finally:
        server.stop()
    log = await asyncpg.connect(fresh_postgres, timeout=10)
    try:
        rows = await log.fetch(
            "SELECT m.direction, m.text FROM messages m JOIN conversations c "
            "ON c.id = m.conversation_id WHERE c.external_user_id = 'burst' ORDER BY m.id"
        )
    finally:
        await log.close()
    asked = [row["text"] for row in rows if row["direction"] == "in" and row["text"] != "菜单"]
    # Each once. (Arrival order is not promised across processes: two messages a few
    # milliseconds apart on two processes may be handled either way round; README.)
    assert sorted(asked) == sorted(texts)
    # One turn after another: each question is followed by its own replies before the next.
    directions = "".join("i" if row["direction"] == "in" else "o" for row in rows)
    assert directions.replace("o", "") == "i" * 14 and "ii" not in directions
