"""Running the real server for tests: in-process uvicorn, or a `vetbot serve` child process; and
speaking to it as an integration (the API key) or as a browser (a signed identity cookie)."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from pydantic import SecretStr

from bot.channels.web.identity import identities
from bot.config import Settings
from bot.web.callers import COOKIE
from tests.paths import FIXTURE_KB

VETBOT = Path(sys.executable).with_name("vetbot")
# The integration key of test servers: a request carrying it may name its user in the body.
API_KEY = "test-integration-key-0123456789"
INTEGRATION = {"Authorization": f"Bearer {API_KEY}"}


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[str]:
    """Serve `app` with uvicorn on a free loopback port; yields its base URL."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, log_config=None, ws="none", lifespan="on"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()  # start-up failed: raise its error here
                raise RuntimeError("uvicorn stopped before it started")
            await asyncio.sleep(0.02)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServerProcess:
    """`vetbot serve` in a child process, as an admin would run it."""

    def __init__(
        self, env: dict[str, str], port: int, log: Path, args: tuple[str, ...] = ()
    ) -> None:
        self.env = {**os.environ, **env}
        self.port = port
        self.log = log
        self.args = args  # more options of `vetbot serve` (--workers 2)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [str(VETBOT), "serve", "--port", str(self.port), *self.args],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"vetbot serve exited:\n{self.log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"vetbot serve did not come up:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers run, as in a crash or a pulled plug."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def server_process(env: dict[str, str], log: Path) -> Iterator[ServerProcess]:
    server = ServerProcess(env, free_port(), log)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def signed_cookie(settings: Settings, identity: str) -> dict[str, str]:
    """The cookie a browser holds for `identity` on a server with `settings`' data key."""
    return {COOKIE: identities(settings).cookie_for(identity)}


def chat_settings(folder: Path, **overrides: Any) -> Settings:
    """Settings of a chat server on a fresh SQLite file in `folder`, with a copy of the fixture
    knowledge base and the integration key; `overrides` on top (limits, keys)."""
    shutil.copytree(FIXTURE_KB, folder / "policies")
    chosen: dict[str, Any] = {
        "database_url": f"sqlite:///{folder / 'web.db'}",
        "policies_dir": folder / "policies",
        "watch_policies": False,
        "api_key": SecretStr(API_KEY),
    }
    return Settings(**{**chosen, **overrides})
