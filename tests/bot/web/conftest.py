"""Web fixtures: settings for a server on a temporary SQLite file and the fixture knowledge base."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.config import Settings
from tests.paths import FIXTURE_KB


@pytest.fixture
def policies(tmp_path: Path) -> Path:
    """A copy of the fixture knowledge base that a test may edit."""
    copy = tmp_path / "policies"
    shutil.copytree(FIXTURE_KB, copy)
    return copy


@pytest.fixture
def settings(tmp_path: Path, policies: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'web.db'}",
        policies_dir=policies,
        watch_policies=False,
        auto_migrate=True,
    )
