"""The rate limits of people hold across server processes: one user's messages per minute are
counted in the database, so spreading them over two processes does not double the allowance
(no Redis needed: the counts are committed with the turn)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest

from tests.bot.web.servers import ServerProcess, free_port
from tests.bot.web.test_workers import fresh_postgres

__all__ = ["fresh_postgres"]

KEY = "shared-limits-key-0123456789"
LIMIT = 4  # messages a minute per user


@pytest.mark.postgres
@pytest.mark.timeout(300)
async def test_two_processes_allow_one_user_the_limit_once(
    tmp_path: Path, policies: Path, fresh_postgres: str
) -> None:
    env = {
        "VETBOT_DATABASE_URL": fresh_postgres,
        "VETBOT_POLICIES_DIR": str(policies),
        "VETBOT_WATCH_POLICIES": "false",
        "VETBOT_API_KEY": KEY,
        "VETBOT_LIMIT_CHAT": str(LIMIT),
    }
    servers = [ServerProcess(env, free_port(), tmp_path / f"server{n}.log") for n in range(2)]
    for server in servers:
        await asyncio.to_thread(server.start, 120)
    headers = {"Authorization": f"Bearer {KEY}"}
    clients = [httpx.AsyncClient(base_url=s.url, headers=headers, timeout=60) for s in servers]
    try:
        if time.time() % 60 > 45:  # the counts' windows are clock minutes: all in one of them
            await asyncio.sleep(61 - time.time() % 60)
        statuses = []
        for n in range(2 * LIMIT):  # alternately to each process
            body = {"user_id": "hurried", "message_id": f"m{n}", "text": "优待证怎么办理"}
            statuses.append((await clients[n % 2].post("/api/chat", json=body)).status_code)
    finally:
        for client in clients:
            await client.aclose()
        for server in servers:
            server.stop()
    # Per process, each would have allowed LIMIT of its own: all eight.
    assert statuses == [200] * LIMIT + [429] * LIMIT
