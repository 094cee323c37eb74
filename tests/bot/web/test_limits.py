"""Floods and free identities, attacked over real HTTP: messages, urgent tickets, bookings and
link codes are limited per identity and per address, counted in the database (issue #16)."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from bot.web.app import create_app
from storage.database import Database
from storage.models import Booking, LinkCode, Ticket
from tests.bot.web.servers import INTEGRATION, chat_settings, serving

DISTRESS = "我不想活了"


@asynccontextmanager
async def server(tmp_path: Path, **limits: Any) -> AsyncIterator[tuple[str, Database]]:
    """A server on a fresh SQLite file with `limits` set, and that database, to count rows."""
    settings = chat_settings(tmp_path, **limits)
    database = Database(settings.database_url)
    try:
        async with serving(create_app(settings)) as url:
            yield url, database
    finally:
        await database.dispose()


async def rows(database: Database, model: type[Any]) -> int:
    async with database.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def link_code(text: str) -> str:
    found = re.search(r"关联码是：(\d{6})", text)
    assert found is not None, text
    return found[1]


def a_browser(url: str, **options: Any) -> httpx.AsyncClient:
    """A client keeping its cookies, as a browser does. It also names a user id of its own in
    every body, which the server ignores without the API key: inventing ids gains nothing."""
    client = httpx.AsyncClient(base_url=url, **options)
    client.headers["x-test-user"] = f"u-{uuid.uuid4().hex}"
    return client


async def say(client: httpx.AsyncClient, n: int, **body: str) -> httpx.Response:
    user = client.headers.get("x-test-user", "integration")
    return await client.post("/api/chat", json={"user_id": user, "message_id": f"m{n}", **body})


async def test_150_messages_in_2_seconds_from_one_identity_are_mostly_refused(
    tmp_path: Path,
) -> None:
    async with server(tmp_path) as (url, database), a_browser(url) as browser:
        await browser.get("/")  # one identity: the page's cookie, kept by this client
        answers = []
        for batch in range(15):  # ten at a time, as fast as the server answers
            sent = [say(browser, batch * 10 + n, text="优待证") for n in range(10)]
            answers += await asyncio.gather(*sent)
        ok = [a for a in answers if a.status_code == 200]
        refused = [a for a in answers if a.status_code == 429]
        # 30 a minute; a minute boundary in the middle lets through at most one more window.
        assert 30 <= len(ok) <= 60 and len(ok) + len(refused) == 150
        polite = refused[0].json()["replies"][0]["text"]
        assert "您发消息太快了" in polite and "too fast" in polite  # both languages
        assert refused[0].headers["retry-after"] == "60"

        # Someone in distress is answered at any rate, and staff get a ticket.
        crisis = await say(browser, 999, text=DISTRESS)
        assert crisis.status_code == 200 and "110" in crisis.json()["replies"][0]["text"]
        assert await rows(database, Ticket) == 1


async def test_20_invented_ids_from_one_address_open_few_urgent_tickets(tmp_path: Path) -> None:
    async with server(tmp_path) as (url, database):
        replies = []
        for n in range(20):
            async with a_browser(url) as stranger:  # no cookie: a new identity
                answer = await say(stranger, n, text=DISTRESS)
            assert answer.status_code == 200
            replies.append(answer.json()["replies"][0]["text"])
        assert all("110" in text for text in replies)  # every one gets the emergency numbers
        assert await rows(database, Ticket) == 5  # limit_tickets_per_address
        assert "这次没有再新建工单" in replies[-1]

        # An integration speaks for many people from one address: its users count one by one.
        async with httpx.AsyncClient(base_url=url, headers=INTEGRATION) as integration:
            for n in range(8):
                body = {"user_id": f"resident-{n}", "message_id": "1", "text": DISTRESS}
                assert (await integration.post("/api/chat", json=body)).status_code == 200
        assert await rows(database, Ticket) == 13


async def book(client: httpx.AsyncClient, first: int) -> httpx.Response:
    """Walk the booking flow, each step taking the first offered day and slot; the last answer."""
    answer = await say(client, first, payload="booking")
    steps = [
        "flow:booking:v:优待证",
        "flow:booking:st:tongshi",
        "flow:booking:d:",
        "flow:booking:sl:",
    ]
    for n, wanted in enumerate([*steps, "flow:booking:confirm"], start=first + 1):
        if answer.status_code != 200:
            return answer
        offered = [o["payload"] for r in answer.json()["replies"] for o in r["options"]]
        payload = next((p for p in offered if p.startswith(wanted)), None)
        assert payload is not None, (wanted, answer.json())
        answer = await say(client, n, payload=payload)
    return answer


async def test_one_identity_cannot_book_every_place(tmp_path: Path) -> None:
    async with server(tmp_path) as (url, database), a_browser(url) as browser:
        await browser.get("/")
        for first in (0, 10):
            done = await book(browser, first)
            assert "预约成功" in done.json()["replies"][0]["text"]
        third = await say(browser, 20, payload="booking")
        assert third.status_code == 429
        assert "您已经有 2 个还没到的预约" in third.json()["replies"][0]["text"]
        assert await rows(database, Booking) == 2  # max_open_bookings


async def test_invented_ids_from_one_address_book_only_so_many_a_day(tmp_path: Path) -> None:
    async with server(tmp_path, limit_bookings_per_address=3) as (url, database):
        texts = []
        for _ in range(5):
            async with a_browser(url) as stranger:
                texts.append((await book(stranger, 0)).json()["replies"][0]["text"])
        assert [("预约成功" in text) for text in texts] == [True, True, True, False, False]
        assert "今天预约的次数太多了" in texts[-1]
        assert await rows(database, Booking) == 3


async def test_70_guesses_at_a_link_code_from_invented_conversations_get_nowhere(
    tmp_path: Path,
) -> None:
    home = {"X-Forwarded-For": "203.0.113.5"}  # the victim's own address, not the attacker's
    async with (
        server(tmp_path) as (url, database),
        a_browser(url, headers=home) as victim,
    ):
        await victim.get("/")
        offered = (await say(victim, 1, text="关联账号")).json()["replies"][0]["text"]
        code = link_code(offered)
        answers = []
        for n in range(70):
            guess = f"{(int(code) + n + 1) % 10**6:06d}"
            async with a_browser(url) as attacker:  # a new conversation each
                answers.append(await say(attacker, n, text=f"关联 {guess}"))
        texts = [a.json()["replies"][0]["text"] for a in answers]
        assert sum("不对或已经过期" in t for t in texts) == 20  # limit_link_per_address
        assert all("关联操作太频繁" in t for t in texts[20:])
        assert all(a.status_code == 429 for a in answers[20:])
        # The code died of the first five wrong guesses: even the right one, from an address
        # with tries left, finds nothing.
        assert await rows(database, LinkCode) == 0
        headers = {"X-Forwarded-For": "198.51.100.7"}  # uvicorn trusts loopback proxies
        async with a_browser(url, headers=headers) as lucky:
            hit = await say(lucky, 1, text=f"关联 {code}")
        assert "不对或已经过期" in hit.json()["replies"][0]["text"]


async def test_a_right_code_only_asks_its_owner_whose_no_merges_nothing(tmp_path: Path) -> None:
    async with server(tmp_path) as (url, _), a_browser(url) as victim:
        await victim.get("/")
        await say(victim, 1, text="我的电话是13812345678")
        offered = (await say(victim, 2, text="关联账号")).json()["replies"][0]["text"]
        code = link_code(offered)
        last = (await victim.get("/api/history")).json()["last"]
        async with a_browser(url) as thief:  # the code leaked
            asked = await say(thief, 1, text=f"关联 {code}")
            assert "回复 1 同意" in asked.json()["replies"][0]["text"]
            mine = (await thief.get("/api/history")).json()["messages"]
            assert not any("138" in m["text"] for m in mine)  # nothing merged before the yes

            news = (await victim.get(f"/api/updates?after={last}")).json()["messages"]
            [question] = news
            assert "想关联您的账号" in question["text"]
            assert [o["payload"] for o in question["options"]] == ["link:yes", "link:no"]
            refused = await say(victim, 3, text="2")
            assert "已拒绝" in refused.json()["replies"][0]["text"]

            status = await say(thief, 2, text="查询进度")
            assert "138" not in status.json()["replies"][0]["text"]
            told = (await thief.get("/api/updates?after=0")).json()["messages"]
            assert any("没有同意关联" in m["text"] for m in told)
            again = await say(thief, 3, text=f"关联 {code}")
            assert "不对或已经过期" in again.json()["replies"][0]["text"]
