"""Running the command line in tests: `vetbot` of this checkout as a child process, on the
test's SQLite file (where the `chat` fixture of conftest.py files requests and bookings)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.bot.chatting import TEST_DATA_KEY
from tests.paths import FIXTURE_KB, REPO


def vetbot(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None, typed: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The command line of this checkout (`python -m bot.cli`) on the test's database; `env`
    on top of the tests' environment, `typed` its standard input."""
    environment = {
        **os.environ,
        "VETBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "VETBOT_POLICIES_DIR": str(FIXTURE_KB),
        "VETBOT_DATA_KEY": TEST_DATA_KEY,
        "COLUMNS": "200",
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        input=typed,
        env=environment,
        cwd=REPO,
        timeout=120,
    )
