"""`vetbot serve`, `vetbot chat`, `vetbot db …` and `vetbot policies reload` from the outside."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from storage import migrate
from tests.paths import FIXTURE_KB

VETBOT = Path(sys.executable).with_name("vetbot")


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["serve"],
        ["chat"],
        ["db"],
        ["db", "upgrade"],
        ["db", "current"],
        ["db", "revision"],
        ["policies", "reload"],
    ],
)
def test_every_command_has_help(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output


def run(args: list[str], tmp_path: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "VETBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "VETBOT_POLICIES_DIR": str(FIXTURE_KB),
    }
    return subprocess.run(
        [str(VETBOT), *args], input=stdin, capture_output=True, text=True, env=env, timeout=120
    )


def test_db_upgrade_then_current(tmp_path: Path) -> None:
    head = migrate.head()
    upgraded = run(["db", "upgrade"], tmp_path)
    assert upgraded.returncode == 0 and f"database at revision {head}" in upgraded.stderr
    current = run(["db", "current"], tmp_path)
    assert current.stdout.strip() == f"database: {head}; code: {head}"


def test_db_upgrade_says_when_the_database_is_unreachable(tmp_path: Path) -> None:
    env_url = f"sqlite:///{tmp_path / 'no' / 'such' / 'folder.db'}"
    result = subprocess.run(
        [str(VETBOT), "db", "upgrade"],
        capture_output=True,
        text=True,
        env={**os.environ, "VETBOT_DATABASE_URL": env_url},
        timeout=120,
    )
    assert result.returncode == 1 and "database is unavailable" in result.stderr


def test_chat_in_a_terminal_continues_next_time(tmp_path: Path) -> None:
    first = run(["chat", "--user", "lao-zhang"], tmp_path, stdin="优待证\n")
    assert first.returncode == 0, first.stderr
    assert "  1. 政策咨询" in first.stdout  # a new conversation starts with the menu
    assert "  2. 退役军人优待证申领" in first.stdout
    again = run(["chat", "--user", "lao-zhang"], tmp_path, stdin="2\n")
    assert again.stdout.startswith("您想问的是下面哪一个")  # shown again where it stopped
    assert "测试答案：到乡镇服务站申请优待证。" in again.stdout


def test_serve_refuses_an_invalid_knowledge_base_with_lines(tmp_path: Path) -> None:
    broken = tmp_path / "policies"
    broken.mkdir()
    (broken / "topics.yaml").write_text("categories: {}\ntopics: []\n", encoding="utf-8")
    result = subprocess.run(
        [str(VETBOT), "serve", "--port", "9"],
        capture_output=True,
        text=True,
        env={**os.environ, "VETBOT_POLICIES_DIR": str(broken)},
        timeout=120,
    )
    assert result.returncode == 1
    assert "policies/stations.yaml:1: file is missing" in result.stderr
