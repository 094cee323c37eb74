"""The console's privacy page in real headless Chromium, on a phone-sized screen: an admin
exports a veteran's copy and asks for their erasure; the page offers them no confirmation of
their own request; a second admin confirms it, and the next export holds nothing of the
veteran."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pydantic import SecretStr

from bot.config import Settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from storage import migrate
from storage.database import Database
from tests.bot.chatting import TEST_DATA_KEY
from tests.bot.privacy.people import VETERAN, busy_veteran
from tests.bot.web.browser import CHROMIUM, MISSING, PHONE, TIMEOUT, chromium
from tests.bot.web.consoles import add_staff
from tests.bot.web.servers import ServerProcess, server_process
from tests.bot.web.staff.workload import log_in
from tests.paths import FIXTURE_KB

pytestmark = [
    pytest.mark.browser,
    pytest.mark.timeout(TIMEOUT),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=MISSING),
]


async def _prepare(url: str, knowledge: Knowledge) -> str:
    database = Database(url)
    try:
        await migrate.upgrade(database)
        settings = Settings(policies_dir=FIXTURE_KB, data_key=SecretStr(TEST_DATA_KEY))
        _, number = await busy_veteran(
            Engine(database, KnowledgeStore(FIXTURE_KB, knowledge), settings)
        )
        for name in ("wang", "zhao"):
            await add_staff(database, name, "county", "admin")
        return number
    finally:
        await database.dispose()


@pytest.fixture
def server(tmp_path: Path, knowledge: Knowledge) -> Iterator[tuple[ServerProcess, str]]:
    url = f"sqlite:///{tmp_path / 'privacy.db'}"
    number = asyncio.run(_prepare(url, knowledge))
    env = {
        "VETBOT_DATABASE_URL": url,
        "VETBOT_POLICIES_DIR": str(FIXTURE_KB),
        "VETBOT_WATCH_POLICIES": "false",
        "VETBOT_DATA_KEY": TEST_DATA_KEY,
    }
    with server_process(env, tmp_path / "server.log") as running:
        yield running, number


@pytest.fixture
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def _login(browser: Browser, url: str, username: str) -> Page:
    page = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    log_in(page, url, username)
    return page


def _find(page: Page, number: str, reason: str) -> None:
    page.select_option("#privacy-by", "request")
    page.fill("#privacy-value", number)
    page.fill("#privacy-reason", reason)


def _exported(page: Page, number: str, reason: str) -> str:
    """Export the person's copy on the page and download its JSON: the text."""
    _find(page, number, reason)
    page.click("#privacy-export")
    expect(page.locator("#privacy-result")).to_contain_text("已导出用户")
    with page.expect_download() as downloading:
        page.click("#privacy-json")
    return Path(downloading.value.path()).read_text(encoding="utf-8")


# `server` before `browser`: it runs an event loop of its own (tests/bot/web/browser.py).
def test_export_and_an_erasure_a_second_admin_confirms(
    server: tuple[ServerProcess, str], browser: Browser
) -> None:
    running, number = server
    wang = _login(browser, running.url, "wang")
    wang.click("a[href='/staff/admin/privacy']")
    expect(wang.locator("h1")).to_contain_text("个人信息")
    copy = _exported(wang, number, "本人到县局申请")
    assert VETERAN.name in copy and VETERAN.phone in copy and VETERAN.id_number in copy

    wang.click("#privacy-ask")
    pending = wang.locator("table.erasures tr[data-id]")
    expect(pending).to_have_count(1)
    expect(pending.locator("button.confirm")).to_have_count(0)  # not for the one who asked

    zhao = _login(browser, running.url, "zhao")
    zhao.goto(f"{running.url}/staff/admin/privacy")
    row = zhao.locator("table.erasures tr[data-id]")
    expect(row).to_contain_text("wang")
    zhao.once("dialog", lambda dialog: dialog.accept())
    row.locator("button.confirm").click()
    expect(zhao.locator(".flash").first).to_contain_text("已删除")
    expect(zhao.locator("table.erasures tr[data-id]")).to_have_count(0)

    again = _exported(zhao, number, "核对删除结果")
    for value in VETERAN.values():
        assert value not in again, value
