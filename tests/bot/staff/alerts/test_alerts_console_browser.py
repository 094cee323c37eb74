"""The console's part of staff alerts in real headless Chromium, against `vetbot serve`: when
the county's WeCom robot fails, the console shows a banner; a member gets a one-time code with
"关联 Telegram", sends it in the staff chat, and the console then shows the account linked."""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from playwright.sync_api import Browser, expect

from storage.database import Database
from tests.bot.channels.telegram.telegram_fake import FakeTelegram
from tests.bot.staff.alerts.wecom_fake import KEY, FakeWeComRobots, webhook
from tests.bot.web.browser import PHONE, TIMEOUT, chromium
from tests.bot.web.consoles import PASSWORD, add_staff
from tests.bot.web.servers import ServerProcess, server_process
from tests.paths import FIXTURE_KB

STAFF_CHAT = -1005550001
CLERK = 9201
T = TypeVar("T")

pytestmark = [pytest.mark.browser, pytest.mark.timeout(TIMEOUT)]


class Fakes:
    """The fake robot and Bot API servers, on an event loop in a thread of their own: the
    browser test's thread belongs to Playwright."""

    def __init__(self) -> None:
        self.robots, self.telegram = FakeWeComRobots(), FakeTelegram()
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> Fakes:
        self._thread.start()
        self.call(self.robots.start)
        self.call(self.telegram.start)
        return self

    def __exit__(self, *_: object) -> None:
        self.call(self.telegram.stop)
        self.call(self.robots.stop)
        self.call(_cancel_the_rest)  # a long poll the server left open when it stopped
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()

    def call(self, work: Callable[[], Any]) -> Any:
        async def run() -> Any:
            return await work() if asyncio.iscoroutinefunction(work) else work()

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(30)


async def _cancel_the_rest() -> None:
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in others:
        task.cancel()
    await asyncio.gather(*others, return_exceptions=True)


def until(condition: Callable[[], T], timeout: float = 60.0) -> T:
    deadline = time.monotonic() + timeout
    while not (met := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s in vain")
        time.sleep(0.2)
    return met


@pytest.fixture
def fakes() -> Iterator[Fakes]:
    with Fakes() as running:
        yield running


@pytest.fixture
def server(tmp_path: Path, fakes: Fakes) -> Iterator[ServerProcess]:
    env = {
        "VETBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'alerts.db'}",
        "VETBOT_POLICIES_DIR": str(FIXTURE_KB),
        "VETBOT_WATCH_POLICIES": "false",
        "VETBOT_PUBLIC_URL": "https://vetbot.example.cn",
        "VETBOT_WECOM_API_BASE": fakes.robots.base_url,
        "VETBOT_ALERT_WECOM_WEBHOOKS": json.dumps({"county": webhook(KEY)}),
        "VETBOT_TELEGRAM_TOKEN": fakes.telegram.token,
        "VETBOT_TELEGRAM_API_BASE": fakes.telegram.base_url,
        "VETBOT_ALERT_TELEGRAM_CHATS": json.dumps({"county": str(STAFF_CHAT)}),
    }
    with server_process(env, tmp_path / "server.log") as running:
        asyncio.run(_staff(env["VETBOT_DATABASE_URL"]))
        yield running


async def _staff(url: str) -> None:
    database = Database(url)
    try:
        await add_staff(database, "li", "county")
    finally:
        await database.dispose()


def distress(url: str) -> None:
    with httpx.Client(base_url=url) as web:  # a new browser: a new veteran
        body = {"message_id": "m1", "text": "我不想活了"}
        assert web.post("/api/chat", json=body).status_code == 200


def link_in_chat(fakes: Fakes, code: str) -> None:
    chat = {"id": STAFF_CHAT, "type": "supergroup", "title": "县中心工作群"}
    message = {
        "message_id": 1,
        "date": int(time.time()),
        "chat": chat,
        "from": {"id": CLERK, "is_bot": False, "first_name": "李"},
        "text": f"/link {code}",
    }
    fakes.call(lambda: fakes.telegram.push({"message": message}))


# `server` before `browser`: it runs an event loop of its own (tests/bot/web/browser.py).
def test_a_failing_robot_banner_and_linking_telegram_in_the_console(
    server: ServerProcess, fakes: Fakes
) -> None:
    fakes.robots.errors[KEY] = 93000  # the robot was taken out of the county's group
    distress(server.url)
    until(lambda: httpx.get(f"{server.url}/healthz").json()["staff_alerts_failing"])

    with chromium() as browser:
        _console(browser, server, fakes)


def _console(browser: Browser, server: ServerProcess, fakes: Fakes) -> None:
    staff = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    staff.set_default_timeout(30_000)
    staff.goto(f"{server.url}/staff/login")
    staff.fill("#username", "li")
    staff.fill("#password", PASSWORD)
    staff.click("#login")
    expect(staff).to_have_url(f"{server.url}/staff")
    expect(staff.locator("#alerts-failing")).to_contain_text(
        "提醒发送失败：企业微信群机器人（测试县退役军人服务中心）"
    )

    staff.click("#link-telegram")
    shown = staff.locator("#telegram-code")
    expect(shown).to_contain_text("请在 Telegram 工作群里发送：/link ")
    code = re.search(r"/link (\d{8})", shown.inner_text())
    assert code is not None
    link_in_chat(fakes, code[1])
    until(lambda: any(m["text"].startswith("已关联：Li") for m in fakes.telegram.sent))

    staff.reload()
    expect(staff.locator("#telegram-code")).to_contain_text("已关联 Telegram")
