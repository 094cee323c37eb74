"""Bug: the booking confirmation printed its number twice ("预约成功！您的预约号是
PJY-2026-000001：PJY-2026-000001：2026年12月3日…"): the "booked" sentence ended with the number
and a colon, and the visit line after it began with the number again. Now it is one sentence
with the number once, the day, the slot and the station, on every channel.

The whole server runs on loopback with all three channels: the web chat over HTTP, Telegram
long polling against the fake Bot API, WeChat's webhook (passive replies). Each user books a
glory-plaque visit (only Tongshi takes those) on the first day and slot offered, by digits.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Protocol

import httpx
import pytest
from pydantic import SecretStr

from bot.channels.wechat import xml
from bot.channels.wechat.router import PATH as WECHAT_PATH
from bot.config import Settings
from bot.web.app import create_app
from storage.database import Database
from storage.repositories.bookings import Bookings
from tests.bot.channels.channel_config import make_settings
from tests.bot.channels.telegram.telegram_fake import FakeTelegram
from tests.bot.channels.wechat.wechat_fake import FakeWeChat
from tests.bot.channels.wechat.wechat_push import pushed, signed
from tests.bot.chatting import TEST_DATA_KEY
from tests.bot.web.servers import serving
from tests.paths import FIXTURE_KB
from tests.waiting import until

WECHAT_TOKEN = "pingjiang-token"
OPENID = "o9AgO5Kd5ggOC-bXrbNODIiE3bGY"
TELEGRAM_USER = 4242
# 3 the booking in the main menu, 3 光荣牌 of the services, then the first day, the first slot,
# and confirming.
DIGITS = ("3", "3", "1", "1", "1")
WEEKDAYS = "一二三四五六日"


class User(Protocol):
    async def say(self, text: str) -> str:
        """Send `text`; the text of the reply as the channel delivered it."""
        ...


class WebUser:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http, self.said = http, 0

    async def say(self, text: str) -> str:
        self.said += 1
        response = await self.http.post(
            "/api/chat", json={"message_id": f"m{self.said}", "text": text}
        )
        assert response.status_code == 200, response.text
        return "\n".join(r["text"] for r in response.json()["replies"])


class TelegramUser:
    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake

    async def say(self, text: str) -> str:
        before = len(self.fake.sent)
        self.fake.user_message(TELEGRAM_USER, text=text)
        await until(lambda: len(self.fake.sent) > before)  # the poller took it and answered
        return "\n".join(str(m["text"]) for m in self.fake.sent[before:])


class WeChatUser:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def say(self, text: str) -> str:
        body = pushed(text, str(time.time_ns()), OPENID)
        response = await self.http.post(WECHAT_PATH, params=signed(WECHAT_TOKEN), content=body)
        assert response.status_code == 200 and response.text != "success"  # answered passively
        return str(xml.parse(response.content)["Content"])


@pytest.fixture
async def platforms() -> AsyncIterator[tuple[FakeTelegram, FakeWeChat]]:
    telegram, wechat = FakeTelegram(), FakeWeChat()
    await telegram.start()
    await wechat.start()
    try:
        yield telegram, wechat
    finally:
        await wechat.stop()
        await telegram.stop()


@pytest.fixture
def settings(tmp_path: Path, platforms: tuple[FakeTelegram, FakeWeChat]) -> Settings:
    telegram, wechat = platforms
    return make_settings(
        database_url=f"sqlite:///{tmp_path / 'web.db'}",
        policies_dir=FIXTURE_KB,
        watch_policies=False,
        auto_migrate=True,
        data_key=SecretStr(TEST_DATA_KEY),
        telegram_token=SecretStr(telegram.token),
        telegram_api_base=telegram.base_url,
        wechat_token=SecretStr(WECHAT_TOKEN),
        **wechat.account(),
    )


def expected(number: str, day: date, slot: str) -> str:
    shown = f"{day.year}年{day.month}月{day.day}日（周{WEEKDAYS[day.weekday()]}）"
    return f"预约成功！您的预约号是 {number}，请于{shown} {slot}到童市镇退役军人服务站办理光荣牌。"


@pytest.mark.parametrize("channel", ["web", "telegram", "wechat"])
async def test_the_booking_confirmation_names_its_number_once(
    channel: str, settings: Settings, platforms: tuple[FakeTelegram, FakeWeChat]
) -> None:
    async with serving(create_app(settings)) as url, httpx.AsyncClient(base_url=url) as http:
        users: dict[str, User] = {
            "web": WebUser(http),
            "telegram": TelegramUser(platforms[0]),
            "wechat": WeChatUser(http),
        }
        user = users[channel]
        await user.say("菜单")
        for typed in DIGITS:
            reply = await user.say(typed)
        database = Database(settings.database_url)
        try:
            async with database.transaction() as session:
                [visit] = await Bookings(session).at_station("tongshi", date.min, date.max)
        finally:
            await database.dispose()
    assert visit.channel == channel
    assert len(re.findall(r"PJY-\d{4}-\d{6}", reply)) == 1, reply
    sentence = expected(visit.number, visit.place.day, visit.place.slot)
    assert reply.splitlines()[0] == sentence, reply
