"""The server attacked over real HTTP as an outsider would: framed by another site, flooded with
a huge or deeply nested body, handed ids no row can have and NUL characters, on SQLite and
PostgreSQL (bugs: headers on the staff pages only, no body cap under /webhooks/, 500s)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from playwright.sync_api import Browser
from pydantic import SecretStr

from bot.config import Settings
from tests.bot.web.consoles import Clock, Member, add_staff, console_server
from tests.bot.web.servers import ServerProcess
from tests.conftest import _schema as admin_sql
from tests.conftest import require_postgres
from tests.paths import FIXTURE_KB

API_KEY = "integration-key-for-tests-only"
HUGE = 2**63 + 1


def settings_on(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        policies_dir=FIXTURE_KB,
        watch_policies=False,
        api_key=SecretStr(API_KEY),
        limit_chat_per_address=10_000,
    )


@pytest_asyncio.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def server(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[str, Member]]:
    """The app on a database of each kind, with an admin logged in to the console."""
    if request.param == "sqlite":
        async for running in _serve(settings_on(f"sqlite:///{tmp_path / 'web.db'}")):
            yield running
        return
    url = await require_postgres()
    name = f"vetbot_{secrets.token_hex(5)}"
    await admin_sql(url, f'CREATE DATABASE "{name}"')
    try:
        async for running in _serve(settings_on(url.rsplit("/", 1)[0] + f"/{name}")):
            yield running
    finally:
        await admin_sql(url, f'DROP DATABASE "{name}" WITH (FORCE)')


async def _serve(settings: Settings) -> AsyncIterator[tuple[str, Member]]:
    async with console_server(settings, Clock()) as (url, database):
        await add_staff(database, "admin", "county", "admin")
        member = await Member.login(url, "admin")
        try:
            yield url, member
        finally:
            await member.close()


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


async def test_every_response_says_no_framing_no_sniffing_no_referrer(
    server: tuple[str, Member],
) -> None:
    url, _member = server
    async with httpx.AsyncClient(base_url=url) as client:
        responses = [
            await client.get("/"),
            await client.get("/docs"),
            await client.get("/openapi.json"),
            await client.get("/static/chat.js"),
            await client.get("/healthz"),
            await client.get("/api/history"),
            await client.post("/api/chat", json={"message_id": "1", "text": "你好"}),
            await client.get("/no/such/page"),
            await client.post("/webhooks/telegram", content=b"x" * 2_000_000),
        ]
    for response in responses:
        policy = response.headers.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in policy, (response.url, policy)
        assert "default-src 'self'" in policy, (response.url, policy)
        assert response.headers.get("x-content-type-options") == "nosniff", response.url
        assert response.headers.get("referrer-policy") == "same-origin", response.url
    assert "cdn" not in responses[1].text  # the docs page loads nothing from elsewhere


async def test_bodies_under_webhooks_are_capped_and_deep_json_is_a_400(
    server: tuple[str, Member],
) -> None:
    url, _member = server
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        huge = await client.post(
            "/webhooks/telegram",
            content=b"{" + b" " * (30 * 1024 * 1024) + b"}",
            headers={"content-type": "application/json"},
        )
        deep = [
            await client.post(
                path, content=nested(5_000), headers={"content-type": "application/json"}
            )
            for path in ("/webhooks/telegram", "/api/chat")
        ]
    assert huge.status_code == 413
    assert [r.status_code for r in deep] == [400, 400]
    assert "nested" in deep[1].json()["detail"]


async def test_ids_no_row_can_have_are_refused_not_a_500(server: tuple[str, Member]) -> None:
    url, member = server
    paths = [
        f"/api/staff/tickets/{HUGE}",
        f"/api/staff/tickets/{2**31}",
        "/api/staff/tickets/-1",
        f"/staff/tickets/{HUGE}",
        "/api/staff/requests/PJ-2026-%00",
        "/staff/requests/%00",
        "/api/staff/canned?q=" + "优" * 1000,
    ]
    statuses = [(await member.get(path)).status_code for path in paths]
    acting = [
        (await member.post(f"/api/staff/tickets/{HUGE}/claim")).status_code,
        (await member.post(f"/api/staff/tickets/{HUGE}/reveal")).status_code,
        (await member.post("/api/staff/requests/%00/reveal")).status_code,
        (await member.post("/api/staff/bookings/%00/state", {"state": "attended"})).status_code,
    ]
    async with httpx.AsyncClient(base_url=url) as client:
        await client.post("/api/chat", json={"message_id": "1", "text": "你好"})
        updates = [
            (await client.get(f"/api/updates?after={after}")).status_code
            for after in (HUGE, 2**31, -1, "x")
        ]
    assert all(s in (400, 404, 422) for s in statuses + acting + updates), (
        statuses,
        acting,
        updates,
    )


async def test_nul_and_odd_payloads_are_refused_or_answered_never_a_500(
    server: tuple[str, Member],
) -> None:
    url, member = server
    integration = {"Authorization": f"Bearer {API_KEY}"}
    bodies = [
        {"message_id": "a\x00b", "text": "你好"},
        {"message_id": "2", "payload": "menu\x00"},
        {"message_id": "3", "text": "你好\x00"},
        {"message_id": "4", "payload": "flow:booking:d:2026-99-99"},
        {"message_id": "5", "payload": "flow:booking:d:not-a-day"},
        {"message_id": "6", "payload": "rate:99999999999999999999:5"},
    ]
    async with httpx.AsyncClient(base_url=url) as client:
        await client.post("/api/chat", json={"message_id": "0", "text": "预约"})
        statuses = [(await client.post("/api/chat", json=body)).status_code for body in bodies]
        as_integration = [
            (await client.post("/api/chat", json=body, headers=integration)).status_code
            for body in (
                {"user_id": "u\x00", "message_id": "1", "text": "你好"},
                {"user_id": "u1", "message_id": "1\x00", "text": "你好"},
            )
        ]
    staff = [
        (await member.post("/api/staff/login", {"username": "a\x00", "password": "x"})).status_code,
        (await member.post("/api/staff/tickets/1/reply", {"text": "好\x00"})).status_code,
    ]
    assert statuses == [422, 422, 200, 200, 200, 200]
    assert as_integration == [422, 422] and staff == [422, 422]


@pytest.fixture
def docs_server(chat_server: ServerProcess) -> ServerProcess:
    return chat_server


def test_the_docs_page_renders_in_a_browser_under_its_policy(
    docs_server: ServerProcess, browser: Browser
) -> None:
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{docs_server.url}/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=30_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/chat" in [p.replace("\u200b", "") for p in paths]
    assert problems == []  # nothing refused by the Content-Security-Policy
    page.goto(f"{docs_server.url}/redoc")
    page.get_by_text("Send one message").first.wait_for(timeout=30_000)
    # ReDoc's own badge is an image from its CDN: refused, like anything from elsewhere.
    assert all("cdn.redoc.ly" in problem for problem in problems), problems
    page.close()


def test_the_chat_page_cannot_be_framed_by_another_site(
    docs_server: ServerProcess, browser: Browser
) -> None:
    page = browser.new_page()
    page.set_content(f'<iframe id="f" src="{docs_server.url}/"></iframe>')
    page.wait_for_timeout(1500)
    frame = page.frame_locator("#f")
    assert frame.locator("#composer").count() == 0  # Chromium refused to show it
    page.close()
