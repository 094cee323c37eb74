"""One way out, on every channel: a request's status change and a booking reminder, sent outside
any turn, are in the staff member's transcript of that conversation and reach the user, through
the web page's mailbox or the outbox worker to the platform (bug: on Telegram and WeChat the
transcript missed both, since only the web sender logged what it sent).

The whole server runs on loopback with all three channels configured: Telegram long polling
against the fake Bot API, WeChat's webhook with the fake customer-service API.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Protocol

import httpx
import pytest
from pydantic import SecretStr

from bot.casework.reminders import Reminders
from bot.casework.requests import change_request_state
from bot.channels.wechat import xml
from bot.channels.wechat.router import PATH as WECHAT_PATH
from bot.channels.wechat.signature import sign
from bot.config import Settings
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from bot.conversation.types import ConversationKey
from bot.messages import catalogue
from bot.web.app import create_app
from storage.database import Database
from storage.models.base import utcnow
from storage.repositories.bookings import Bookings, Contact, Place
from storage.repositories.requests import Requests
from storage.repositories.tickets import Tickets
from tests.bot.channels.channel_config import make_settings
from tests.bot.channels.telegram.telegram_fake import FakeTelegram
from tests.bot.channels.wechat.wechat_fake import FakeWeChat
from tests.bot.chatting import TEST_DATA_KEY
from tests.bot.web.consoles import Clock, Member, add_staff
from tests.bot.web.servers import serving
from tests.waiting import until

WECHAT_TOKEN = "pingjiang-token"
OPENID = "o9AgO5Kd5ggOC-bXrbNODIiE3bGY"
TELEGRAM_USER = 4242
STATUS = "状态更新：已受理。"
REMINDER = "提醒：您明天有一个预约。"


@dataclass
class Platforms:
    telegram: FakeTelegram
    wechat: FakeWeChat


@pytest.fixture
async def platforms() -> AsyncIterator[Platforms]:
    telegram, wechat = FakeTelegram(), FakeWeChat()
    await telegram.start()
    await wechat.start()
    try:
        yield Platforms(telegram, wechat)
    finally:
        await wechat.stop()
        await telegram.stop()


@pytest.fixture
def settings(tmp_path: Path, policies: Path, platforms: Platforms) -> Settings:
    return make_settings(
        database_url=f"sqlite:///{tmp_path / 'web.db'}",
        policies_dir=policies,
        watch_policies=False,
        auto_migrate=True,
        data_key=SecretStr(TEST_DATA_KEY),
        telegram_token=SecretStr(platforms.telegram.token),
        telegram_api_base=platforms.telegram.base_url,
        wechat_token=SecretStr(WECHAT_TOKEN),
        **platforms.wechat.account(),
    )


class User(Protocol):
    """A veteran on one channel: what they say, and what reached them outside their turns."""

    async def say(self, text: str) -> None: ...

    async def received(self) -> list[str]: ...


class WebUser:
    """A browser: the identity cookie the server gives it with its first reply says who it is."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.said = 0

    async def say(self, text: str) -> None:
        self.said += 1
        body = {"message_id": f"m{self.said}", "text": text}
        assert (await self.http.post("/api/chat", json=body)).status_code == 200

    async def received(self) -> list[str]:
        updates = (await self.http.get("/api/updates")).json()
        return [m["text"] for m in updates["messages"]]


class TelegramUser:
    key = ConversationKey("telegram", str(TELEGRAM_USER), str(TELEGRAM_USER))

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake

    async def say(self, text: str) -> None:
        before = len(self.fake.sent)
        self.fake.user_message(TELEGRAM_USER, text=text)
        await until(lambda: len(self.fake.sent) > before)  # the poller took it and answered

    async def received(self) -> list[str]:
        return [m["text"] for m in self.fake.sent]


class WeChatUser:
    key = ConversationKey("wechat", OPENID, OPENID)

    def __init__(self, http: httpx.AsyncClient, fake: FakeWeChat) -> None:
        self.http, self.fake = http, fake

    async def say(self, text: str) -> None:
        timestamp, nonce = (
            str(int(time.time())),
            str(secrets.randbelow(10**10)),
        )  # fresh, as WeChat's
        query = {"signature": sign(WECHAT_TOKEN, timestamp, nonce), "timestamp": timestamp}
        body = (
            f"<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName>"
            f"<FromUserName><![CDATA[{OPENID}]]></FromUserName><CreateTime>{timestamp}"
            f"</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>{xml.cdata(text)}"
            f"</Content><MsgId>{time.time_ns()}</MsgId></xml>"
        )
        response = await self.http.post(
            WECHAT_PATH, params={**query, "nonce": nonce}, content=body.encode()
        )
        assert response.status_code == 200 and response.text != "success"  # answered passively

    async def received(self) -> list[str]:
        return [m["text"]["content"] for m in self.fake.sent]


def user_on(channel: str, http: httpx.AsyncClient, platforms: Platforms) -> User:
    if channel == "telegram":
        return TelegramUser(platforms.telegram)
    if channel == "wechat":
        return WeChatUser(http, platforms.wechat)
    return WebUser(http)


async def eventually(read: Callable[[], Awaitable[list[str]]], *wanted: str) -> list[str]:
    """What `read` gives once every one of `wanted` is in some text of it."""
    texts: list[str] = []

    async def arrived() -> bool:
        texts[:] = await read()
        return all(any(w in text for text in texts) for w in wanted)

    await until(arrived)
    return texts


async def file_and_book(database: Database, ticket_id: int) -> str:
    """A request filed and a visit booked by the user of ticket `ticket_id`, where they talk
    to it; the visit's reminder is due. The request's number."""
    async with database.transaction() as session:
        ticket = await Tickets(session).get(ticket_id)
        assert ticket is not None
        to = await Tickets(session).recipient(ticket.conversation_id)
        filed = await Requests(session).file(
            prefix="PJ",
            year=2026,
            user_id=ticket.user_id,
            type_id="callback",
            station_id="county",
            answers={},
            language="zh",
            channel=to.channel,
            chat_id=to.chat_id,
            external_user_id=to.external_user_id,
        )
        await Bookings(session).book(
            Place("tongshi", date(2026, 9, 21), "上午"),
            10,
            number_prefix="PJY",
            service="优待证",
            contact=Contact(ticket.user_id, "zh", to.channel, to.chat_id, to.external_user_id),
            remind_at=utcnow() - timedelta(minutes=1),
        )
    return filed.number


@pytest.mark.parametrize("channel", ["web", "telegram", "wechat"])
async def test_a_status_change_and_a_reminder_are_in_the_transcript_and_reach_the_user(
    channel: str, settings: Settings, platforms: Platforms, knowledge: Knowledge
) -> None:
    async with (
        serving(create_app(settings, clock=Clock())) as url,
        httpx.AsyncClient(base_url=url) as http,
    ):
        user = user_on(channel, http, platforms)
        await user.say("转人工")  # opens T-000001: the staff member has its transcript
        database = Database(settings.database_url)
        try:
            number = await file_and_book(database, 1)
            async with database.transaction() as session:
                kb = knowledge.kb
                await change_request_state(session, kb, catalogue(), number, "accepted", "李工")
            store = KnowledgeStore(settings.policies_dir, knowledge)
            assert await Reminders(database, store).queue_due() == 1
            await add_staff(database, "li", "county")
        finally:
            await database.dispose()

        member = await Member.login(url, "li")
        try:
            detail = (await member.get("/api/staff/tickets/1")).json()
        finally:
            await member.close()
        transcript = [m["text"] for m in detail["messages"] if m["sender"] == "bot"]
        assert any(f"{number}" in t and STATUS in t for t in transcript)
        assert sum(REMINDER in t for t in transcript) == 1

        received = await eventually(user.received, STATUS, REMINDER)  # web: its mailbox
    assert sum(STATUS in t for t in received) == sum(REMINDER in t for t in received) == 1
