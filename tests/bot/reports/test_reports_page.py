"""/staff/admin/reports in real headless Chromium on a phone-sized screen, on a server whose
database holds a month of activity made through the engine: the admin sees the charts (SVG
drawn by the server) with a table under each and can pick a station; a station head sees only
their stations; a plain staff member gets 404 and no link to it."""

from __future__ import annotations

import asyncio
import base64
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from bot.config import Settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from bot.reports.period import Period
from bot.staff.desk import Desk
from storage import migrate
from storage.database import Database
from tests.bot.chatting import TEST_DATA_KEY
from tests.bot.reports.activity import fill
from tests.bot.staff.staffing import PASSWORD, add_staff
from tests.bot.web.browser import CHROMIUM, MISSING, PHONE, TIMEOUT, chromium
from tests.bot.web.servers import ServerProcess, server_process
from tests.paths import FIXTURE_KB

COUNTY, TOWN = "测试县退役军人服务中心", "童市镇退役军人服务站"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.timeout(TIMEOUT),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=MISSING),
]


@pytest.fixture
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium for this test (tests/bot/web/browser.py says why per test)."""
    with chromium() as launched:
        yield launched


async def _filled(url: str, knowledge: Knowledge, settings: Settings, month: Period) -> None:
    database = Database(url)
    try:
        await migrate.upgrade(database)
        engine = Engine(
            database, KnowledgeStore(FIXTURE_KB, knowledge), settings, today=lambda: month.first
        )
        await fill(engine, Desk.of(knowledge.kb, settings), month.first)
        await add_staff(database, "boss", "county", "admin")
        await add_staff(database, "head", "tongshi", "station_head")
        await add_staff(database, "plain", "tongshi", "staff")
    finally:
        await database.dispose()


@pytest.fixture
def server(
    tmp_path: Path, knowledge: Knowledge, settings: Settings, month: Period
) -> Iterator[ServerProcess]:
    url = f"sqlite:///{tmp_path / 'reports.db'}"
    asyncio.run(_filled(url, knowledge, settings, month))
    env = {
        "VETBOT_DATABASE_URL": url,
        "VETBOT_POLICIES_DIR": str(FIXTURE_KB),
        "VETBOT_WATCH_POLICIES": "false",
        "VETBOT_DATA_KEY": TEST_DATA_KEY,
    }
    with server_process(env, tmp_path / "server.log") as running:
        yield running


def _login(browser: Browser, url: str, username: str) -> Page:
    page = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{url}/staff/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login")
    expect(page).to_have_url(f"{url}/staff")
    return page


def _charts_drawn(page: Page) -> None:
    charts = page.locator("img[data-chart]")
    expect(charts).to_have_count(3)
    for name in ("daily", "containment", "tickets"):
        chart = page.locator(f"img[data-chart={name}]")
        src = chart.get_attribute("src") or ""
        assert src.startswith("data:image/svg+xml;base64,"), src[:60]
        svg = base64.b64decode(src.split(",", 1)[1]).decode("utf-8")
        assert svg.startswith("<svg") and "</svg>" in svg
        assert "<script" not in svg and "kozea.github.io" not in svg  # nothing from elsewhere
        expect(chart).to_have_js_property("complete", True)
        assert chart.evaluate("image => image.naturalWidth") > 0  # the browser drew it
        # The table under the chart.
        section = page.locator(f"#section-{name}")
        expect(section.locator("table")).to_have_count(1)


# `server` before `browser`: it runs an event loop of its own (tests/bot/web/browser.py).
def test_the_admin_sees_charts_and_tables_and_picks_a_station(
    server: ServerProcess, browser: Browser, month: Period
) -> None:
    page = _login(browser, server.url, "boss")
    page.click("a[href='/staff/admin/reports']")  # the link in the console's header
    expect(page).to_have_url(f"{server.url}/staff/admin/reports")
    expect(page.locator("body")).to_have_attribute("data-report", f"{month.first:%Y-%m}")
    _charts_drawn(page)
    tickets = page.locator("table[data-section=tickets]")
    expect(tickets).to_contain_text(COUNTY)
    expect(tickets).to_contain_text(TOWN)
    daily = page.locator("table[data-section=daily] tr")
    expect(daily).to_have_count(len(month.days()) + 1)
    expect(page.locator("table[data-section=topics]")).to_contain_text("退役军人优待证申领")
    expect(page.locator("table[data-section=escalations]")).to_contain_text("童市村退役军人服务站")
    expect(page.locator("table[data-section=overview]")).to_contain_text("全部服务站")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.select_option("#report-station", "tongshi")
    page.click("#report-show")
    expect(page.locator("body")).to_have_attribute("data-report", f"{month.first:%Y-%m}:tongshi")
    _charts_drawn(page)
    expect(tickets).to_contain_text(TOWN)
    expect(tickets).not_to_contain_text(COUNTY)

    # A range of days instead of a month; a range that ends before it starts is refused.
    first, last = month.first.isoformat(), month.last.isoformat()
    ranged = page.request.get(f"{server.url}/api/staff/admin/reports?first={first}&last={last}")
    assert ranged.status == 200
    assert ranged.json()["period"] == {
        "first": first,
        "last": last,
        "month": f"{month.first:%Y-%m}",
        "described": f"{month.first:%Y-%m}",
    }
    backwards = page.request.get(f"{server.url}/api/staff/admin/reports?first={last}&last={first}")
    assert backwards.status == 422
    assert "起止日期" in backwards.json()["detail"]

    # The same figures as a file, for the monthly return.
    href = page.locator("#report-xlsx").get_attribute("href")
    assert href is not None and "station=tongshi" in href
    response = page.request.get(f"{server.url}{href}")
    assert response.status == 200
    assert "attachment" in response.headers["content-disposition"]
    book = load_workbook(io.BytesIO(response.body()))
    assert book.sheetnames[0] == "概览" and "人工工单" in book.sheetnames
    page.goto(f"{server.url}/staff/audit")
    expect(page.locator("table")).to_contain_text("下载统计报表")


def test_a_station_head_sees_only_their_stations(server: ServerProcess, browser: Browser) -> None:
    page = _login(browser, server.url, "head")
    page.goto(f"{server.url}/staff/admin/reports")
    _charts_drawn(page)
    options = page.locator("#report-station option")
    expect(options).to_have_count(2)  # 童市 and its village; no "all stations", no county
    assert options.evaluate_all("os => os.map(o => o.value)") == ["tongshi", "tongshi_village"]
    tickets = page.locator("table[data-section=tickets]")
    expect(tickets).to_contain_text(TOWN)
    expect(tickets).not_to_contain_text(COUNTY)
    expect(page.locator("table[data-section=ratings]")).not_to_contain_text(COUNTY)
    # Asking the API for the county anyway: it does not exist for them.
    response = page.request.get(f"{server.url}/api/staff/admin/reports?station=county")
    assert response.status == 404
    response = page.request.get(f"{server.url}/api/staff/admin/reports/file?station=county")
    assert response.status == 404


def test_plain_staff_get_404_and_no_link(server: ServerProcess, browser: Browser) -> None:
    page = _login(browser, server.url, "plain")
    expect(page.locator("#top a[href='/staff/audit']")).to_have_count(0)
    expect(page.locator("#top a[href='/staff/admin/reports']")).to_have_count(0)
    opened = page.goto(f"{server.url}/staff/admin/reports")
    assert opened is not None and opened.status == 404
    for path in ("/api/staff/admin/reports", "/api/staff/admin/reports/file?format=csv"):
        assert page.request.get(f"{server.url}{path}").status == 404
