"""A staff console with work in it, for the browser tests: `vetbot serve` on a SQLite file, one
admin at the county centre, and a veteran who has filed a preferential-card request, booked a
visit and asked for a person after a long conversation."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, expect
from pydantic import SecretStr

from bot.config import Settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from storage.database import Database
from tests.bot.chatting import TEST_DATA_KEY, Chat
from tests.bot.filing import ID_NUMBER, PHONE, book_a_visit, file_card_request
from tests.bot.web.consoles import PASSWORD, add_staff
from tests.bot.web.servers import server_process

# The preferential-card form of the fixture policies, as a clerk reads it: label, masked, clear.
ANSWERS = [
    ("姓名", "张三", "张三"),
    ("身份证号码", "1101**********002X", ID_NUMBER),
    ("手机号码", "139****5678", PHONE),
    ("办理事项", "首次申请", "首次申请"),
    ("备注", "（未填写）", "（未填写）"),
]
POLL_WAIT_MS = 20_000  # the console polls every 4 s; a loaded machine answers late
CHATTER = 8  # questions before asking for a person: the conversation box has to scroll
# (all of it under the 30 messages a minute one user may send)


@dataclass(frozen=True)
class Workload:
    url: str
    request: str  # its tracking number
    booking: str | None  # None when the holiday calendar offers no day to book
    ticket: int


@contextmanager
def console_with_work(tmp_path: Path, policies: Path) -> Iterator[Workload]:
    url = f"sqlite:///{tmp_path / 'console.db'}"
    env = {
        "VETBOT_DATABASE_URL": url,
        "VETBOT_POLICIES_DIR": str(policies),
        "VETBOT_WATCH_POLICIES": "false",
        "VETBOT_DATA_KEY": TEST_DATA_KEY,  # the server opens what the engine here sealed
    }
    with server_process(env, tmp_path / "server.log") as server:  # it migrates the file
        request, booking, ticket = asyncio.run(_work(url, policies))
        yield Workload(server.url, request, booking, ticket)


async def _work(url: str, policies: Path) -> tuple[str, str | None, int]:
    database = Database(url)
    try:
        await add_staff(database, "li", "county", "admin")
        settings = Settings(
            database_url=url, policies_dir=policies, data_key=SecretStr(TEST_DATA_KEY)
        )
        knowledge = Knowledge.build(policies)
        chat = Chat(Engine(database, KnowledgeStore(policies, knowledge), settings))
        request = await file_card_request(chat)
        booking = await book_a_visit(chat)
        for n in range(CHATTER):
            await chat.say("优待证怎么办" if n % 2 else "服务站在哪里")
        opened = await chat.say("我要找工作人员")
        found = re.search(r"T-(\d{6})", opened.text)
        assert found is not None, opened.text
        return request, booking, int(found[1])
    finally:
        await database.dispose()


def log_in(page: Page, url: str, username: str = "li") -> None:
    page.set_default_timeout(30_000)
    page.goto(f"{url}/staff/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login")
    expect(page).to_have_url(f"{url}/staff")
    expect(page.locator("body[data-ready='1']")).to_have_count(1)


def next_refresh(page: Page) -> None:
    """Wait until the page has polled the server and patched itself once more."""
    seen = int(page.evaluate("Number(document.body.dataset.refreshed || 0)"))
    expect(page.locator("body")).to_have_attribute(
        "data-refreshed", str(seen + 1), timeout=POLL_WAIT_MS
    )


def width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))
