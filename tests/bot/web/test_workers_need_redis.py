"""`vetbot serve --workers N` with Telegram or WeChat and no Redis is refused: each process
would keep its own send limits and turns in flight."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.bot.web.servers import VETBOT, free_port


def test_several_workers_with_wechat_and_no_redis_are_refused(policies: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("VETBOT_REDIS")}
    result = subprocess.run(
        [str(VETBOT), "serve", "--port", str(free_port()), "--workers", "2"],
        capture_output=True,
        text=True,
        env={
            **env,
            # Never reached: the set-up is refused before the database is opened.
            "VETBOT_DATABASE_URL": "postgresql://vetbot@127.0.0.1:1/none",
            "VETBOT_POLICIES_DIR": str(policies),
            "VETBOT_WECHAT_TOKEN": "token",
        },
        timeout=120,
    )
    assert result.returncode == 2
    assert "several workers with Telegram or WeChat need Redis" in result.stderr
