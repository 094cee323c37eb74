"""The admin's loop end to end in real headless Chromium, against `vetbot serve`: questions the
bot cannot answer appear as one cluster in the unanswered inbox; the admin adds them as
phrasings of an entry, reads the diff, confirms; the YAML file keeps its comments; the same
questions are answered by that entry in the web chat without a restart; a change that breaks
the checks is refused with the reason; a station phone filled in shows in the next answer that
names the station."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from storage.database import Database
from storage.repositories.audit import AuditLog
from tests.bot.web.browser import PHONE
from tests.bot.web.consoles import PASSWORD, with_staff
from tests.bot.web.servers import ServerProcess

QUESTIONS = ["当兵回来的那个卡去哪申请", "当兵回来的那个卡在哪申请", "当兵回来的那个卡去哪申请呀"]
COMMENT = "# 优抚优待（测试）：这行注释和下面的注释在网页编辑后必须原样保留\n"
INLINE = "      - 优待证在哪里办  # 群众最常问的说法\n"
# The checks and the held-out evaluation of an edit, on a loaded two-core machine.
CHECKS = 120_000
CARD = "退役军人优待证申领"  # the title of preferential.card, the first line of its answer


@pytest.fixture
def commented(policies: Path) -> Path:
    """The policies copy, its preferential file with an admin's comments (before the server)."""
    path = policies / "kb" / "preferential.yaml"
    text = path.read_text(encoding="utf-8").replace("      - 优待证在哪里办\n", INLINE, 1)
    path.write_text(COMMENT + text, encoding="utf-8")
    return path


@pytest.fixture
def server(commented: Path, chat_server: ServerProcess) -> ServerProcess:
    return with_staff(chat_server, "admin", "county", "admin")


async def _audited(url: str) -> list[tuple[str, str, str | None]]:
    database = Database(url)
    try:
        async with database.transaction() as session:
            rows = await AuditLog(session).recent(None)
    finally:
        await database.dispose()
    return [(r.action, r.username, r.subject) for r in reversed(rows) if r.action.startswith("kb.")]


def _ask(page: Page, text: str) -> None:
    said = page.locator(".bubble.bot")
    before = said.count()
    page.fill("#text", text)
    page.click("#send")
    expect(said).not_to_have_count(before)


def _confirm_diff(admin: Page, added: str) -> None:
    dialog = admin.locator("dialog#kb-edit")
    expect(dialog.locator("pre.diff .line.add")).to_contain_text([added])
    admin.click("#kb-edit-confirm")


# `server` before `browser`: it runs an event loop of its own (tests/bot/web/browser.py).
def test_from_unanswered_questions_to_an_answer_without_a_restart(
    server: ServerProcess, commented: Path, browser: Browser
) -> None:
    def chat() -> Page:
        page = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
        page.set_default_timeout(60_000)
        page.goto(server.url)
        expect(page.locator(".bubble.bot").last).to_contain_text("请回复数字选择")
        return page

    admin = browser.new_context(viewport={"width": 1200, "height": 900}, locale="zh-CN").new_page()
    admin.set_default_timeout(60_000)
    original = commented.read_text(encoding="utf-8")

    # Three veterans ask the same thing in their own words; the bot is not sure of any.
    veterans = [chat() for _ in QUESTIONS]
    for veteran, question in zip(veterans, QUESTIONS, strict=True):
        _ask(veteran, question)
        expect(veteran.locator(".bubble.bot").last).to_contain_text("我不太确定")
    # Asking for a person names the county centre, whose phone is not on record yet.
    _ask(veterans[0], "我要找工作人员")
    expect(veterans[0].locator(".bubble.bot").last).to_contain_text("地址和电话暂未登记")

    admin.goto(f"{server.url}/staff/login")
    admin.fill("#username", "admin")
    admin.fill("#password", PASSWORD)
    admin.click("#login")
    expect(admin).to_have_url(f"{server.url}/staff")

    # The inbox (issue 9's other half, bot/web/admin/unanswered.py): one cluster of the three.
    admin.goto(f"{server.url}/staff/admin/unanswered")
    clusters = admin.locator(
        "section.cluster", has=admin.locator("li.example", has_text="当兵回来的那个卡")
    )
    expect(clusters).to_have_count(1)
    cluster = clusters.first
    expect(cluster.locator(".size")).to_contain_text("3")
    button = cluster.locator('button.add-phrasings[data-entry="preferential.card"]')
    if button.count() == 0:  # not among the candidates: found by search, as an admin would
        cluster.locator("input.entry-search").fill("优待证")
    button.first.click()
    form = admin.locator("dialog#kb-edit textarea")
    expect(form).to_be_visible()
    examples = form.input_value().split("\n")
    assert sorted(examples) == sorted(QUESTIONS)  # the cluster's examples
    admin.click("#kb-edit-next")
    _confirm_diff(admin, f"+      - {QUESTIONS[0]}")
    expect(admin.locator(".kb-edit-applied")).to_be_visible(timeout=CHECKS)

    after = commented.read_text(encoding="utf-8")
    assert after.startswith(COMMENT) and INLINE in after
    added = "".join(f"      - {q}\n" for q in examples)
    last = "      - How do I apply for the veteran preferential card?\n"
    assert after == original.replace(last, last + added, 1)

    # The chat answers from the new knowledge base, the server never restarted.
    for veteran, question in zip(veterans[1:], QUESTIONS[1:], strict=False):
        _ask(veteran, question)
        expect(veteran.locator(".bubble.bot").last).to_contain_text(CARD)
    newcomer = chat()
    _ask(newcomer, QUESTIONS[0])
    expect(newcomer.locator(".bubble.bot").last).to_contain_text(CARD)

    # The knowledge-base page: a change that breaks the checks is refused, saying why.
    admin.goto(f"{server.url}/staff/admin/kb")
    row = admin.locator('#kb-entries tr[data-entry="preferential.card"]')
    expect(row.locator(".questions")).to_have_text("12")
    row.locator("button.add-phrasing").click()
    admin.locator("dialog#kb-edit textarea").fill("优待证挂失")
    admin.click("#kb-edit-next")
    _confirm_diff(admin, "+      - 优待证挂失")
    refused = admin.locator(".kb-edit-refused")
    expect(refused).to_contain_text("没有通过检查", timeout=CHECKS)
    expect(refused).to_contain_text("is claimed by 'preferential.card_loss'")
    assert commented.read_text(encoding="utf-8") == after
    admin.click("#kb-edit-cancel")

    # What would the bot answer? The reply a veteran would get, and why.
    admin.fill("#kb-ask-q", QUESTIONS[1])
    admin.click("#kb-ask")
    expect(admin.locator("#kb-ask-reply")).to_contain_text(CARD)
    expect(admin.locator("#kb-ask-explain")).to_contain_text("preferential.card")

    # A station phone filled in shows in the next answer naming the station.
    county = admin.locator('form.station-form[data-station="county"]')
    county.locator('input[name="phone"]').fill("0730-6999999")
    county.locator("button.save-station").click()
    _confirm_diff(admin, "+    phone: 0730-6999999")
    expect(admin.locator(".kb-edit-applied")).to_be_visible(timeout=CHECKS)
    newcomer = chat()
    _ask(newcomer, "我要找工作人员")
    expect(newcomer.locator(".bubble.bot").last).to_contain_text("电话：0730-6999999")
    expect(newcomer.locator(".bubble.bot").last).not_to_contain_text("地址和电话暂未登记")

    # In a thread of its own: Playwright holds this thread's event loop.
    with ThreadPoolExecutor(1) as pool:
        audited = pool.submit(asyncio.run, _audited(server.env["VETBOT_DATABASE_URL"])).result()
    assert audited == [
        ("kb.edit", "admin", "preferential.card"),
        ("kb.edit_refused", "admin", "preferential.card"),
        ("kb.edit", "admin", "county"),
    ]
