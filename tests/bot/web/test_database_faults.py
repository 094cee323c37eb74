"""What the server does while PostgreSQL goes away and comes back (`benchmarks/faults.py` runs
the same under load). The PostgreSQL stopped and started here is the test's own, in a temporary
folder on a free port, not the shared one at 127.0.0.1:5432 that other tests use."""

from __future__ import annotations

import asyncio
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.web.app import create_app
from bot.web.runtime import Background
from tests.bot.web.servers import API_KEY, INTEGRATION, free_port, serving

BIN = Path("/usr/lib/postgresql/15/bin")
OWNER = "postgres"  # initdb and postgres refuse to run as root
NOT_RUNNING = 3  # `pg_ctl status`


@dataclass
class Cluster:
    folder: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://{OWNER}@127.0.0.1:{self.port}/postgres"

    def ctl(self, *args: str, check: bool = True) -> int:
        command = _as_owner([str(BIN / "pg_ctl"), "-D", str(self.folder / "data"), *args])
        return subprocess.run(command, check=check, capture_output=True, timeout=120).returncode

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -h 127.0.0.1"
        self.ctl("-l", str(self.folder / "server.log"), "-o", options, "-w", "start")

    def stopped(self, within: float = 60) -> bool:
        deadline = time.monotonic() + within
        while self.ctl("status", check=False) != NOT_RUNNING:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        return True


def _as_owner(command: list[str]) -> list[str]:
    return command if os.geteuid() != 0 else ["runuser", "-u", OWNER, "--", *command]


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    """A PostgreSQL server of this test's own, trusting local connections. Its folder is made
    in /tmp itself: pytest's temporary folders are root's only, and the server runs as its
    owner."""
    if not (BIN / "initdb").exists():
        pytest.skip(f"no PostgreSQL 15 binaries in {BIN} to run a server of the test's own")
    try:
        owner = pwd.getpwnam(OWNER)
    except KeyError:
        pytest.skip(f"no {OWNER} user to run a PostgreSQL server of the test's own as")
    folder = Path(tempfile.mkdtemp(prefix="vetbot-pg-"))
    if os.geteuid() == 0:
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    initdb = [str(BIN / "initdb"), "-D", str(folder / "data"), "-A", "trust", "-U", OWNER]
    subprocess.run(_as_owner(initdb), check=True, capture_output=True, timeout=120)
    running = Cluster(folder, free_port())
    running.start()
    try:
        yield running
    finally:
        running.ctl("stop", "-m", "immediate", check=False)
        shutil.rmtree(folder, ignore_errors=True)


async def _refuses_new_connections(url: str) -> None:
    """Wait until PostgreSQL says "the database system is shutting down" to a new connection."""
    for _ in range(100):
        try:
            connection = await asyncpg.connect(url, timeout=5)
        except asyncpg.CannotConnectNowError:
            return
        await connection.close()
        await asyncio.sleep(0.1)
    raise AssertionError("PostgreSQL kept taking new connections after a smart shutdown")


@pytest.mark.postgres
@pytest.mark.timeout(240)
async def test_postgresql_shutting_down_is_a_503_not_a_500(
    settings: Settings, cluster: Cluster
) -> None:
    settings = settings.model_copy(
        update={
            "database_url": cluster.url,
            "api_key": SecretStr(API_KEY),
            "data_key": SecretStr(secrets.token_urlsafe(32)),
        }
    )

    def message(n: int) -> dict[str, str]:
        return {"user_id": "restart", "message_id": f"m{n}", "text": "优待证怎么办理"}

    async with (
        serving(create_app(settings)) as url,
        httpx.AsyncClient(base_url=url, headers=INTEGRATION, timeout=30) as http,
    ):
        assert (await http.post("/api/chat", json=message(1))).status_code == 200
        # A session that stays keeps a smart shutdown in its "shutting down" state, where
        # PostgreSQL refuses every new connection (SQLSTATE 57P03), as it does during a restart.
        held = await asyncpg.connect(cluster.url, timeout=10)
        try:
            cluster.ctl("stop", "-m", "smart", "-W")
            await _refuses_new_connections(cluster.url)
            # The server's pooled connections go too: its next turn must open a new one.
            await held.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )
            refused = await http.post("/api/chat", json=message(2))
            assert refused.status_code == 503, refused.text
            assert refused.headers["Retry-After"]
        finally:
            await held.close()
        assert await asyncio.to_thread(cluster.stopped)
        await asyncio.to_thread(cluster.start)
        again = await http.post("/api/chat", json=message(2))
        assert again.status_code == 200, again.text
        repeated = await http.post("/api/chat", json=message(2))
        assert repeated.json() == again.json()
    log = await asyncpg.connect(cluster.url, timeout=10)
    try:
        asked = await log.fetchval(
            "SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id "
            "WHERE c.external_user_id = 'restart' AND m.direction = 'in'"
        )
    finally:
        await log.close()
    assert asked == 2  # m1, and m2 once: refused, then answered on its retry


async def test_a_background_task_that_stopped_does_not_fail_the_shutdown() -> None:
    async def broken() -> None:
        raise RuntimeError("the database went away in a way nobody caught")

    async def steady() -> None:
        await asyncio.Event().wait()

    background = Background()
    background.start("broken", broken())
    background.start("steady", steady())
    await asyncio.sleep(0.05)  # `broken` has stopped; `steady` runs on
    await background.cancel()  # logged when it stopped; the shut-down carries on past it
