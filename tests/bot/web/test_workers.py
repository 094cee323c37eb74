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


def server_env(database: str, policies: Path, **more: str) -> dict[str, str]:
    """The settings of a `vetbot serve` of these tests on `database`, with `more` on top."""
    return {
        "VETBOT_DATABASE_URL": database,
        "VETBOT_POLICIES_DIR": str(policies),
        "VETBOT_WATCH_POLICIES": "false",
        "VETBOT_API_KEY": KEY,
        **more,
    }


async def conversation_log(database: str, user: str) -> list[asyncpg.Record]:
    """The message log of `user`'s web conversation, in order."""
    connection = await asyncpg.connect(database, timeout=10)
    try:
        return await connection.fetch(
            "SELECT m.direction, m.text FROM messages m JOIN conversations c "
            "ON c.id = m.conversation_id WHERE c.external_user_id = $1 ORDER BY m.id",
            user,
        )
    finally:
        await connection.close()


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
    env = server_env(fresh_postgres, policies)
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
    rows = await conversation_log(fresh_postgres, "burst")
    asked = [row["text"] for row in rows if row["direction"] == "in" and row["text"] != "菜单"]
    assert sorted(asked) == sorted(texts)  # each once (the order: the test below)
    # One turn after another: each question is followed by its own replies before the next.
    directions = "".join("i" if row["direction"] == "in" else "o" for row in rows)
    assert directions.replace("o", "") == "i" * 14 and "ii" not in directions


# A letter long enough to be read in a thread, for a good part of a second: a short message sent
# after it must still wait for it.
LETTER = "我是退役军人，想问一下优待证怎么办理，还有抚恤金什么时候发放，家里老人生病了需要帮助。"


def _numbered(n: int) -> str:
    text = f"第{n}条："
    return text + LETTER * 40 if n % 2 == 0 else text + "优待证怎么办理"


@pytest.mark.postgres
@pytest.mark.timeout(300)
async def test_one_users_messages_on_two_processes_are_handled_in_the_order_they_arrived(
    tmp_path: Path, policies: Path, fresh_postgres: str
) -> None:
    env = server_env(fresh_postgres, policies, VETBOT_LIMIT_CHAT="1000")
    # Two server processes on one database, each its own port, so the test says which process
    # each message goes to: they alternate.
    servers = [ServerProcess(env, free_port(), tmp_path / f"server{n}.log") for n in range(2)]
    for server in servers:
        await asyncio.to_thread(server.start, 120)
    headers = {"Authorization": f"Bearer {KEY}"}
    clients = [httpx.AsyncClient(base_url=s.url, headers=headers, timeout=60) for s in servers]
    texts = [_numbered(n) for n in range(10)]
    try:
        for n, http in enumerate(clients):  # both processes have answered before the burst
            warm = {"user_id": "warm", "message_id": f"warm{n}", "text": "优待证怎么办理"}
            assert (await http.post("/api/chat", json=warm)).status_code == 200

        async def send(n: int) -> httpx.Response:
            await asyncio.sleep(0.02 * n)  # they leave in this order, a few ms apart
            body = {"user_id": "ordered", "message_id": f"m{n}", "text": texts[n]}
            return await clients[n % 2].post("/api/chat", json=body)

        first = await asyncio.gather(*(send(n) for n in range(10)))
        assert [r.status_code for r in first] == [200] * 10
        handled = await conversation_log(fresh_postgres, "ordered")
        # The same ten again, each on the other process: the replies they got, nothing new.
        again = await asyncio.gather(
            *(
                clients[(n + 1) % 2].post(
                    "/api/chat", json={"user_id": "ordered", "message_id": f"m{n}", "text": t}
                )
                for n, t in enumerate(texts)
            )
        )
        assert [r.json() for r in again] == [r.json() for r in first]
    finally:
        for http in clients:
            await http.aclose()
        for server in servers:
            server.stop()
    assert await conversation_log(fresh_postgres, "ordered") == handled
    asked = [row["text"] for row in handled if row["direction"] == "in"]
    assert [text.split("：")[0] for text in asked] == [f"第{n}条" for n in range(10)]
    # Each answered once, before the next was read: in, its replies, in, its replies…
    directions = "".join("i" if row["direction"] == "in" else "o" for row in handled)
    assert directions.startswith("i") and "ii" not in directions and directions.endswith("o")
