"""`vetbot staff …` from the outside: create accounts that can then log in, list, change a
password, unlock, disable; refuse unknown stations, bad roles and short passwords."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.config import Settings
from bot.errors import ActionRefused
from bot.staff.accounts import login
from storage.database import Database
from storage.repositories.audit import AuditLog
from tests.paths import FIXTURE_KB

VETBOT = Path(sys.executable).with_name("vetbot")
NOW = datetime(2025, 12, 1, 2, 0, tzinfo=UTC)


def vetbot(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "VETBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "VETBOT_POLICIES_DIR": str(FIXTURE_KB),
    }
    return subprocess.run(
        [str(VETBOT), "staff", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


async def _login(tmp_path: Path, username: str, password: str) -> str:
    database = Database(f"sqlite:///{tmp_path / 'cli.db'}")
    try:
        done = await login(database, Settings(), username, password, NOW)
        return done.staff.role
    finally:
        await database.dispose()


@pytest.mark.parametrize("command", ["add", "list", "password", "unlock", "disable", "enable"])
def test_every_staff_command_has_help(command: str) -> None:
    result = CliRunner().invoke(app, ["staff", command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output


def test_add_then_log_in_then_list(tmp_path: Path) -> None:
    added = vetbot(
        tmp_path, "add", "Li", "--station", "tongshi", "--role", "station_head", "--name", "李明",
        "--password-stdin", stdin="a good long password\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "li (station_head) at tongshi" in added.stderr
    assert asyncio.run(_login(tmp_path, "li", "a good long password")) == "station_head"
    listed = vetbot(tmp_path, "list")
    assert listed.stdout.splitlines() == ["li\tstation_head\ttongshi\t李明"]
    again = vetbot(tmp_path, "add", "li", "--station", "county", "--password-stdin", stdin="x" * 12)
    assert again.returncode == 1 and "taken" in again.stderr


def test_prompted_password_is_asked_twice(tmp_path: Path) -> None:
    added = vetbot(
        tmp_path, "add", "wang", "--station", "county", stdin="long password 1\nlong password 1\n"
    )
    assert added.returncode == 0, added.stderr
    assert asyncio.run(_login(tmp_path, "wang", "long password 1")) == "staff"


@pytest.mark.parametrize(
    ("args", "stdin", "says"),
    [
        (["--station", "atlantis"], "long enough pw", "No station 'atlantis'"),
        (["--station", "county", "--role", "boss"], "long enough pw", "role must be one of"),
        (["--station", "county"], "short", "10 to 256 characters"),
    ],
)
def test_add_refuses_what_cannot_work(
    tmp_path: Path, args: list[str], stdin: str, says: str
) -> None:
    result = vetbot(tmp_path, "add", "li", *args, "--password-stdin", stdin=stdin)
    assert result.returncode == 2 and says in result.stderr


def test_password_disable_enable_are_audited(tmp_path: Path) -> None:
    vetbot(tmp_path, "add", "li", "--station", "county", "--password-stdin", stdin="first password")
    assert (
        vetbot(tmp_path, "password", "li", "--password-stdin", stdin="second password").returncode
        == 0
    )
    assert asyncio.run(_login(tmp_path, "li", "second password")) == "staff"
    assert vetbot(tmp_path, "disable", "li").returncode == 0
    with pytest.raises(ActionRefused):
        asyncio.run(_login(tmp_path, "li", "second password"))
    assert vetbot(tmp_path, "enable", "li").returncode == 0
    assert vetbot(tmp_path, "unlock", "nobody").returncode == 1

    async def actions() -> list[str]:
        database = Database(f"sqlite:///{tmp_path / 'cli.db'}")
        try:
            async with database.transaction() as session:
                return [e.action for e in reversed(await AuditLog(session).recent(None))]
        finally:
            await database.dispose()

    assert asyncio.run(actions()) == [
        "staff_add",
        "staff_password",
        "login",
        "staff_disable",
        "staff_enable",
    ]
