"""The web chat in real headless Chromium (Debian's, driven by Playwright): ask, answer, pick a
choice by clicking and by typing its digit, reload and find the conversation still there."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.bot.web.browser import PHONE
from tests.bot.web.servers import ServerProcess


def test_chat_in_a_phone_sized_browser(chat_server: ServerProcess, browser: Browser) -> None:
    page = browser.new_page(viewport=PHONE, locale="zh-CN")
    page.set_default_timeout(30_000)
    page.goto(chat_server.url)
    bot = page.locator(".bubble.bot")
    expect(bot.last).to_contain_text("请回复数字选择")  # a new visitor gets the menu

    page.fill("#text", "优待证怎么办理")
    page.click("#send")
    expect(bot.last).to_contain_text("测试答案：到乡镇服务站申请优待证。")
    expect(bot.last).to_contain_text("依据：测试来源乙（2024-06-01 核对）")

    page.fill("#text", "优待证")
    page.keyboard.press("Enter")
    expect(bot.last).to_contain_text("您想问的是下面哪一个")
    bot.last.get_by_role("button", name="优待证挂失补办").click()
    expect(bot.last).to_contain_text("先到银行挂失")
    expect(page.locator(".bubble.user").last).to_have_text("优待证挂失补办")

    page.fill("#text", "优待证")
    page.click("#send")
    expect(bot.last).to_contain_text("您想问的是下面哪一个")
    page.fill("#text", "2")
    page.click("#send")
    expect(bot.last).to_contain_text("测试答案：到乡镇服务站申请优待证。")

    shown = page.locator(".bubble").all_inner_texts()
    page.reload()
    expect(page.locator("body[data-ready='1']")).to_have_count(1)
    expect(page.locator(".bubble")).to_have_count(len(shown))
    assert page.locator(".bubble").all_inner_texts() == shown
    expect(page.locator(".bubble.user").last).to_have_text("2")

    # Narrow screen: nothing wider than the viewport.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]


def test_a_long_reply_is_shown_from_its_first_line(
    chat_server: ServerProcess, browser: Browser
) -> None:
    """On a phone a reply taller than the screen used to land scrolled to its bottom."""
    page = browser.new_page(viewport={"width": 390, "height": 520}, locale="zh-CN")
    page.set_default_timeout(30_000)
    page.goto(chat_server.url)
    bot = page.locator(".bubble.bot")
    expect(bot.last).to_contain_text("请回复数字选择")
    for question in ("优待证怎么办理", "优待证", "菜单"):
        page.fill("#text", question)
        page.click("#send")
        expect(page.locator(".bubble.user").last).to_have_text(question)
        expect(page.locator(".typing")).to_have_count(0)
    expect(bot.last).to_contain_text("请回复数字选择")
    top, bottom, reply_top, reply_height = page.evaluate(
        """() => {
            const log = document.getElementById("log").getBoundingClientRect();
            const replies = document.querySelectorAll(".bubble.bot");
            const reply = replies[replies.length - 1].getBoundingClientRect();
            return [log.top, log.bottom, reply.top, reply.height];
        }"""
    )
    assert reply_height > bottom - top, "the menu must be taller than the chat for this test"
    assert top - 1 <= reply_top < top + 40, (top, bottom, reply_top)
