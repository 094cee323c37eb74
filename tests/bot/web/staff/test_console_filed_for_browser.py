"""A request filed for a father in the web chat, read in the console in real headless Chromium
on a phone-sized screen: the list names whom it is for, the request page shows the veteran
apart from the filer, masked, and after the audited reveal the number to phone the veteran."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.bot.flows.dated import ID_NUMBER, PHONE
from tests.bot.flows.request.behalf import (
    FOR_FATHER,
    VETERAN_ID,
    VETERAN_MASKED,
    VETERAN_NAME,
    VETERAN_PHONE,
)
from tests.bot.web.browser import PHONE as PHONE_SCREEN
from tests.bot.web.consoles import PASSWORD, with_staff
from tests.bot.web.servers import ServerProcess

# Typed into the chat, each with a piece of the reply it brings: the menu's 2 (提交申请), the
# preferential card (1), Tongshi (the first town), 2 for someone else, 2 子女, the veteran, the
# filer, 1 首次申请, skip, submit.
TYPED = [
    ("2", "请选择您要办理的事项"),
    ("1", "需要知道您所在的乡镇"),
    ("1", "替家人或他人代办"),
    ("2", "您是退役军人本人的什么人"),
    ("2", "退役军人本人的姓名"),
    (VETERAN_NAME, "退役军人本人的18位身份证号码"),
    (VETERAN_ID, "退役军人本人的手机号码"),
    (VETERAN_PHONE, "代办人"),
    ("张小明", "请输入您的18位身份证号码"),
    (ID_NUMBER, "请输入您的手机号码"),
    (PHONE, "您要办理哪一项"),
    ("1", "还有什么要说明的吗"),
    ("跳过", FOR_FATHER),
    ("确认", "已提交"),
]


@pytest.fixture
def server(chat_server: ServerProcess) -> ServerProcess:
    return with_staff(chat_server, "li", "tongshi")


def file_for_father(page: Page, url: str) -> None:
    page.goto(url)
    said = page.locator(".bubble.bot")
    expect(said.last).to_contain_text("请回复数字选择")
    for typed, reply in TYPED:
        page.fill("#text", typed)
        page.click("#send")
        expect(said.last).to_contain_text(reply)


# `server` before `browser`: it runs an event loop of its own (tests/bot/web/browser.py).
def test_the_console_shows_whom_a_request_was_filed_for(
    server: ServerProcess, browser: Browser, tmp_path: Path
) -> None:
    filer = browser.new_context(viewport=PHONE_SCREEN, locale="zh-CN").new_page()
    staff = browser.new_context(viewport=PHONE_SCREEN, locale="zh-CN").new_page()
    for page in (filer, staff):
        page.set_default_timeout(30_000)
    file_for_father(filer, server.url)

    staff.goto(f"{server.url}/staff/login")
    staff.fill("#username", "li")
    staff.fill("#password", PASSWORD)
    staff.click("#login")
    expect(staff).to_have_url(f"{server.url}/staff")
    staff.click("button[data-view=requests]")
    row = staff.locator(".queue li.ticket", has_text="PJ-")
    expect(row.locator(".badge.behalf")).to_have_text(FOR_FATHER)
    row.locator("a").click()

    section = staff.locator("#filed-for")
    expect(section).to_contain_text(VETERAN_MASKED)
    expect(section).to_contain_text("138****1111")
    expect(section).to_contain_text("子女")
    expect(staff.locator("#filer")).to_contain_text("张小明 · 139****5678")
    expect(staff.locator("body")).not_to_contain_text(VETERAN_ID)
    staff.screenshot(path=str(tmp_path / "masked.png"), full_page=True)

    staff.click("#reveal")
    expect(section).to_contain_text(VETERAN_ID)
    call = staff.locator("#call-veteran")
    expect(call).to_have_attribute("href", f"tel:{VETERAN_PHONE}")
    staff.screenshot(path=str(tmp_path / "revealed.png"), full_page=True)
