"""Web fixtures: settings for a server on a temporary SQLite file, the fixture knowledge base,
and headless Chromium for the browser tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from bot.config import Settings
from tests.bot.web.browser import CHROMIUM, MISSING, TIMEOUT, chromium
from tests.bot.web.servers import ServerProcess, server_process
from tests.paths import FIXTURE_KB


@pytest.hookimpl(tryfirst=True)  # before `-m` selects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that asks for `browser` is a browser test: marked so, given longer, and skipped
    before its server starts where Debian's chromium is not installed."""
    for item in items:
        if "browser" not in getattr(item, "fixturenames", ()):
            continue
        item.add_marker(pytest.mark.browser)
        item.add_marker(pytest.mark.timeout(TIMEOUT))
        if not CHROMIUM.exists():
            item.add_marker(pytest.mark.skip(reason=MISSING))


@pytest.fixture
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium for this test (see tests/bot/web/browser.py for why not one per
    session)."""
    with chromium() as launched:
        yield launched


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


@pytest.fixture
def chat_server(tmp_path: Path, policies: Path) -> Iterator[ServerProcess]:
    """`vetbot serve` in a child process on a fresh SQLite file, for a browser to talk to."""
    env = {
        "VETBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'browser.db'}",
        "VETBOT_POLICIES_DIR": str(policies),
        "VETBOT_WATCH_POLICIES": "false",
    }
    with server_process(env, tmp_path / "server.log") as running:
        yield running
