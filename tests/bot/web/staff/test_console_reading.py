"""What a clerk reads in the console, in real headless Chromium (issue #17): every answer of a
filed request, masked and then clear after the audited reveal (it showed "[object
HTMLElement]"); who is coming to a booked visit; what each audit entry was about; canned
replies found as the clerk types, the best match first."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.bot.filing import PHONE
from tests.bot.web.staff.workload import ANSWERS, Workload, console_with_work, log_in


@pytest.fixture
def work(tmp_path: Path, policies: Path) -> Iterator[Workload]:
    with console_with_work(tmp_path, policies) as loaded:
        yield loaded


def answers(page: Page) -> list[tuple[str, str]]:
    labels = page.locator("dl.answers dt").all_inner_texts()
    values = page.locator("dl.answers dd").all_inner_texts()
    return list(zip(labels, values, strict=True))


# `work` before `browser`: it runs an event loop of its own (tests/bot/web/browser.py).
def test_every_answer_of_a_request_masked_then_revealed(work: Workload, browser: Browser) -> None:
    page = browser.new_page(locale="zh-CN")
    log_in(page, work.url)
    page.goto(f"{work.url}/staff/requests/{work.request}")
    expect(page.locator("dl.answers dd")).to_have_count(len(ANSWERS))
    assert answers(page) == [(label, masked) for label, masked, _ in ANSWERS]
    assert "[object" not in page.locator("main").inner_text()

    page.click("#reveal")
    expect(page.locator(".masking")).to_contain_text("已显示个人信息")
    assert answers(page) == [(label, clear) for label, _, clear in ANSWERS]
    assert "[object" not in page.locator("main").inner_text()

    page.goto(f"{work.url}/staff/audit")
    expect(page.locator("table")).to_contain_text(f"查看个人信息 {work.request}")


def test_a_booking_shows_who_is_coming_until_revealed(work: Workload, browser: Browser) -> None:
    if work.booking is None:
        pytest.skip("the holiday calendar offers no day to book in the coming weeks")
    page = browser.new_page(locale="zh-CN")
    log_in(page, work.url)
    page.click("button[data-view='bookings']")
    visit = page.locator("li.visit", has_text=work.booking)
    expect(visit).to_contain_text(f"来访人：张三 · 139****5678（据其申请 {work.request}）")
    assert PHONE not in visit.inner_text()

    visit.locator("[data-action='reveal']").click()
    expect(visit).to_contain_text(f"来访人：张三 · {PHONE}")
    expect(visit.locator("[data-action='reveal']")).to_have_count(0)

    page.goto(f"{work.url}/staff/audit")
    expect(page.locator("table")).to_contain_text(f"查看个人信息 {work.booking}")


def test_the_audit_page_names_what_each_action_was_about(work: Workload, browser: Browser) -> None:
    page = browser.new_page(locale="zh-CN")
    log_in(page, work.url)
    page.goto(f"{work.url}/staff/requests/{work.request}")
    page.click("#to-accepted")
    expect(page.locator("#status")).to_have_text("已受理")

    page.goto(f"{work.url}/staff/audit")
    table = page.locator("table")
    expect(table).to_contain_text(f"申请状态变更 {work.request} → 已受理")
    expect(table.get_by_role("link", name=work.request)).to_have_attribute(
        "href", f"/staff/requests/{work.request}"
    )
    expect(table).to_contain_text(f"建立事项 T-{work.ticket:06d}")


def test_canned_replies_are_found_while_typing(work: Workload, browser: Browser) -> None:
    page = browser.new_page(locale="zh-CN")
    log_in(page, work.url)
    page.goto(f"{work.url}/staff/tickets/{work.ticket}")
    page.locator("details.canned summary").click()
    page.locator("#canned-search").press_sequentially("挂失", delay=50)  # no Enter
    found = page.locator(".canned-results li")
    expect(found.first).to_contain_text("优待证挂失补办")
    found.first.get_by_role("button").click()
    expect(page.locator("#reply-text")).not_to_have_value("")
