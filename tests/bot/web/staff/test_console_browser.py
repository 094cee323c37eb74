"""The handoff end to end in real headless Chromium, on phone-sized screens: a veteran in the
web chat asks for a person; a staff member logs in, claims the ticket and replies; the veteran
sees the reply appear without reloading and answers; the staff member sees that arrive, and
resolves; the veteran rates the help; the rating shows for the station."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.bot.web.browser import PHONE
from tests.bot.web.consoles import PASSWORD, with_staff
from tests.bot.web.servers import ServerProcess


@pytest.fixture
def server(chat_server: ServerProcess) -> ServerProcess:
    """The chat server with one staff member at the county centre."""
    return with_staff(chat_server, "li", "county")


# `server` before `browser`: it runs an event loop of its own (tests/bot/web/browser.py).
def test_ask_for_a_person_claim_reply_resolve_rate(server: ServerProcess, browser: Browser) -> None:
    veteran = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    staff = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    for page in (veteran, staff):
        page.set_default_timeout(30_000)

    veteran.goto(server.url)
    said = veteran.locator(".bubble.bot")
    expect(said.last).to_contain_text("请回复数字选择")
    veteran.fill("#text", "我要找工作人员")
    veteran.click("#send")
    expect(said.last).to_contain_text("编号 T-000001")

    staff.goto(f"{server.url}/staff")
    expect(staff).to_have_url(f"{server.url}/staff/login")
    staff.fill("#username", "li")
    staff.fill("#password", PASSWORD)
    staff.click("#login")
    expect(staff).to_have_url(f"{server.url}/staff")
    row = staff.locator(".queue li.ticket", has_text="T-000001")
    expect(row).to_contain_text("要求人工")
    row.locator("a").click()
    expect(staff.locator("h1")).to_contain_text("T-000001")
    expect(staff.locator(".msg.user", has_text="我要找工作人员")).to_have_count(1)
    staff.click("#claim")
    expect(staff.locator("#status")).to_have_text("处理中")
    staff.fill("#reply-text", "您好，我是县中心的李工，请讲。")
    staff.click("#send")
    expect(staff.locator(".msg.staff").last).to_contain_text("请讲")

    # No reload: the chat page picks the reply up by itself.
    expect(said.last).to_contain_text("【测试县退役军人服务中心工作人员】您好，我是县中心的李工")
    veteran.fill("#text", "我想问优待金什么时候发")
    veteran.click("#send")
    expect(staff.locator(".msg.user").last).to_contain_text("我想问优待金什么时候发")

    staff.fill("#resolve-note", "优待金每年一次发放，已电话说明。")
    staff.click("#resolve")
    expect(staff.locator("#status")).to_have_text("已办结")

    expect(said.last).to_contain_text("请为这次服务打分")
    said.last.get_by_role("button", name="5 分").click()
    expect(said.last).to_contain_text("谢谢您的评价")

    staff.goto(f"{server.url}/staff/ratings")
    expect(staff.locator("table")).to_contain_text("测试县退役军人服务中心")
    expect(staff.locator("table")).to_contain_text("5.00")
    width = staff.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
