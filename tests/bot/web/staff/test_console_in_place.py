"""The console while a clerk uses it, in real headless Chromium (issue #17): a poll patches the
page in place, so the conversation box keeps where the clerk scrolled to, an open panel stays
open and a draft stays typed; and on a 360 px phone every page fits the screen, with every tab
of the queue on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.bot.web.browser import PHONE
from tests.bot.web.staff.workload import Workload, console_with_work, log_in, next_refresh, width


@pytest.fixture
def work(tmp_path: Path, policies: Path) -> Iterator[Workload]:
    with console_with_work(tmp_path, policies) as loaded:
        yield loaded


def scrolled(page: Page) -> int:
    return int(page.evaluate("document.getElementById('messages').scrollTop"))


# `work` before `browser`: it runs an event loop of its own (tests/bot/web/browser.py).
def test_a_poll_keeps_the_clerks_place(work: Workload, browser: Browser) -> None:
    page = browser.new_page(viewport=PHONE, locale="zh-CN")
    log_in(page, work.url)
    page.goto(f"{work.url}/staff/tickets/{work.ticket}")
    expect(page.locator(".msg.user", has_text="我要找工作人员")).to_have_count(1)
    box = page.locator("#messages")
    assert page.evaluate("(b) => b.scrollHeight > b.clientHeight + 200", box.element_handle())
    assert scrolled(page) > 0  # opened at the newest message

    page.evaluate("document.getElementById('messages').scrollTop = 120")
    page.locator("details.history summary").click()
    page.fill("#reply-text", "您好，正在查")
    next_refresh(page)
    next_refresh(page)
    assert scrolled(page) == 120
    expect(page.locator("details.history")).to_have_attribute("open", "")
    expect(page.locator("#reply-text")).to_have_value("您好，正在查")
    expect(page.locator("#reply-text")).to_be_focused()


def test_a_closed_panel_stays_closed(work: Workload, browser: Browser) -> None:
    page = browser.new_page(locale="zh-CN")
    log_in(page, work.url)
    page.goto(f"{work.url}/staff/requests/{work.request}")
    history = page.locator("details.history")
    expect(history).to_have_attribute("open", "")
    history.locator("summary").click()
    next_refresh(page)
    assert history.get_attribute("open") is None


def test_every_page_fits_a_phone(work: Workload, browser: Browser, tmp_path: Path) -> None:
    page = browser.new_page(viewport=PHONE, locale="zh-CN")
    log_in(page, work.url)
    tabs = page.locator(".tabs .tab")
    expect(tabs).to_have_count(6)
    for tab in tabs.all():  # each one on the screen, none scrolled out of sight
        edge = tab.bounding_box()
        assert edge is not None and edge["x"] >= 0 and edge["x"] + edge["width"] <= PHONE["width"]
    steps = {  # how to get there, and what shows it is there
        "queue": (lambda: None, page.locator("li.ticket")),
        "requests": (
            lambda: page.click("button[data-view='requests']"),
            page.locator(f"li.ticket[data-number='{work.request}']"),
        ),
        "bookings": (
            lambda: page.click("button[data-view='bookings']"),
            page.locator("li.visit" if work.booking else "li.empty"),
        ),
        "ticket": (
            lambda: page.goto(f"{work.url}/staff/tickets/{work.ticket}"),
            page.locator(".msg.user").first,
        ),
        "request": (
            lambda: page.goto(f"{work.url}/staff/requests/{work.request}"),
            page.locator("dl.answers dd").first,
        ),
        "revealed": (lambda: page.click("#reveal"), page.get_by_text("已显示个人信息")),
        "audit": (
            lambda: page.goto(f"{work.url}/staff/audit"),
            page.locator("table tr").nth(1),
        ),
    }
    for name, (go, shown) in steps.items():
        go()
        expect(shown).to_be_visible()
        page.screenshot(path=tmp_path / f"{name}.png", full_page=True)
        assert width(page) <= PHONE["width"], name
