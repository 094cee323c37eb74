"""The unanswered inbox in real headless Chromium: veterans in the web chat ask a question the
knowledge base lacks, three ways, and one says by typing a digit that an answer did not help
and what was missing; the admin sees one cluster of the three, largest first, masked, with the
entries considered and 没帮助's reason, and marks it "not ours", which hides it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.bot.web.browser import PHONE
from tests.bot.web.consoles import PASSWORD, with_staff
from tests.bot.web.servers import ServerProcess

TRAIN = ["退役军人坐火车打折吗", "退伍军人坐火车能打折吗", "退伍军人坐火车能打折吗 13812345678"]


@pytest.fixture
def server(chat_server: ServerProcess) -> ServerProcess:
    return with_staff(chat_server, "root", "county", "admin")


def _say(page: Page, text: str, expected: str) -> None:
    said = page.locator(".bubble.bot")
    page.fill("#text", text)
    page.click("#send")
    expect(said.last).to_contain_text(expected)


# `server` before `browser`: it runs an event loop of its own (tests/bot/web/browser.py).
def test_fallbacks_and_not_helpful_show_as_clusters_and_a_mark_hides_one(
    server: ServerProcess, browser: Browser
) -> None:
    for question in TRAIN:  # three veterans, each on their own phone
        veteran = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
        veteran.set_default_timeout(30_000)
        veteran.goto(server.url)
        expect(veteran.locator(".bubble.bot").last).to_contain_text("请回复数字选择")
        _say(veteran, question, "不太确定")
    veteran = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    veteran.set_default_timeout(30_000)
    veteran.goto(server.url)
    expect(veteran.locator(".bubble.bot").last).to_contain_text("请回复数字选择")
    _say(veteran, "优待证怎么办理", "4.没帮助")  # typed digits pick on the web too
    _say(veteran, "4", "缺什么")
    _say(veteran, "没写要带几张照片", "已经记下")

    admin = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    admin.set_default_timeout(30_000)
    admin.goto(f"{server.url}/staff/login")
    admin.fill("#username", "root")
    admin.fill("#password", PASSWORD)
    admin.click("#login")
    expect(admin).to_have_url(f"{server.url}/staff")
    admin.click("a[href='/staff/admin/unanswered']")
    expect(admin).to_have_url(f"{server.url}/staff/admin/unanswered")
    clusters = admin.locator("section.cluster")
    expect(clusters).to_have_count(2)
    bus = clusters.first
    expect(bus.locator(".size")).to_have_text("3 次")
    expect(bus.locator("li.example")).to_have_count(3)
    expect(bus).to_contain_text("138****5678")
    expect(bus).not_to_contain_text("13812345678")
    expect(bus.locator("[data-kind=fallback]")).to_contain_text("没听懂 3")
    expect(bus.locator("button.add-phrasings").first).to_be_visible()
    card = clusters.nth(1)
    expect(card).to_contain_text("没写要带几张照片")
    expect(card.locator(".entries.unhelpful li[data-entry='preferential.card']")).to_be_visible()

    bus.locator("button.mark-not-ours").click()
    expect(clusters).to_have_count(1)
    expect(clusters.first).to_contain_text("优待证怎么办理")
    admin.check("#marked")
    expect(admin.locator("section.cluster[data-mark=not_ours]")).to_have_count(1)
