"""End to end through the real Engine: Telegram (aiogram against the fake Bot API, long polling)
and WeChat (the router over real HTTP), on a fresh SQLite database and the engine tests' small
knowledge base."""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from bot.channels.telegram.client import TelegramClient
from bot.channels.telegram.limits import RateLimiter
from bot.channels.telegram.polling import TelegramPoller
from bot.channels.wechat import xml
from bot.channels.wechat.router import PATH, make_wechat_router
from bot.channels.wechat.signature import sign
from bot.config import Settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from bot.conversation.types import ConversationKey, Outbound
from bot.messages import catalogue
from storage.database import Database
from tests.bot.channels.channel_config import make_settings
from tests.bot.channels.channel_servers import serving
from tests.bot.channels.telegram.telegram_fake import FakeTelegram
from tests.paths import FIXTURE_KB

USER = 4242
TOKEN = "pingjiang-token"
OPENID = "o9AgO5Kd5ggOC-bXrbNODIiE3bGY"


def zh(key: str) -> str:
    return catalogue().text("zh", key)


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return Knowledge.build(FIXTURE_KB)


@pytest.fixture
def engine(sqlite_database: Database, knowledge: Knowledge) -> Engine:
    settings = make_settings(policies_dir=FIXTURE_KB, crisis_contact="")
    return Engine(sqlite_database, KnowledgeStore(FIXTURE_KB, knowledge), settings)


def duplicates(engine: Engine) -> float:
    value = engine.metrics.registry.get_sample_value(
        "vetbot_outcomes_total", {"outcome": "duplicate"}
    )
    return value or 0.0


# --- Telegram -----------------------------------------------------------------------------------


@pytest.fixture
async def telegram(
    fake_telegram: FakeTelegram, telegram_settings: Settings
) -> AsyncIterator[TelegramClient]:
    limiter = RateLimiter(per_chat_interval=0.0, overall_per_second=1000.0)
    client = TelegramClient.from_settings(telegram_settings, limiter=limiter)
    try:
        yield client
    finally:
        await client.close()


async def test_a_telegram_user_opens_the_menu_picks_a_button_and_types_a_digit(
    fake_telegram: FakeTelegram, telegram: TelegramClient, engine: Engine
) -> None:
    poller = TelegramPoller(telegram, engine, poll_timeout=0, retry_delay=0)

    fake_telegram.user_message(USER, text="/start")
    await poller.poll_once()
    menu = fake_telegram.bot_messages[-1]
    buttons = [row[0] for row in menu["reply_markup"]["inline_keyboard"]]
    assert zh("menu.title") in menu["text"]
    assert buttons[0] == {"text": f"1. {zh('menu.policy')}", "callback_data": "policy"}

    fake_telegram.press(USER, menu, "policy")
    await poller.poll_once()
    assert zh("policy.choose_category") in fake_telegram.sent[-1]["text"]
    assert fake_telegram.edits[-1]["text"].endswith(f"✓ 1. {zh('menu.policy')}")

    fake_telegram.user_message(USER, text="0")  # typed, not pressed: back to the main menu
    await poller.poll_once()
    assert zh("menu.title") in fake_telegram.sent[-1]["text"]


async def test_a_telegram_update_redelivered_after_a_failed_send_is_one_turn(
    fake_telegram: FakeTelegram, telegram: TelegramClient, engine: Engine
) -> None:
    poller = TelegramPoller(telegram, engine, poll_timeout=0, retry_delay=0)
    fake_telegram.fail("sendMessage", 500)
    fake_telegram.user_message(USER, text="菜单")

    assert not await poller.poll_once()
    assert await poller.poll_once()

    assert len(fake_telegram.sent) == 1
    assert duplicates(engine) == 1  # the redelivery was answered from the stored replies


# --- WeChat -------------------------------------------------------------------------------------


@pytest.fixture
async def wechat(engine: Engine) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(wechat_token=SecretStr(TOKEN))
    app = FastAPI()
    app.include_router(make_wechat_router(engine, settings, later=_no_outbox))
    async with serving(app) as base_url, httpx.AsyncClient(base_url=base_url) as http:
        yield http


def signed() -> dict[str, str]:
    timestamp, nonce = str(int(time.time())), str(secrets.randbelow(10**10))  # fresh, as WeChat's
    return {"signature": sign(TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}


def pushed(body: str) -> bytes:
    return (
        f"<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName>"
        f"<FromUserName><![CDATA[{OPENID}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime>{body}</xml>"
    ).encode()


async def test_a_wechat_follower_is_welcomed_and_picks_by_number(
    wechat: httpx.AsyncClient, engine: Engine
) -> None:
    subscribe = pushed("<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event>")
    welcome = xml.parse((await wechat.post(PATH, params=signed(), content=subscribe)).content)
    assert zh("menu.title") in welcome["Content"]
    assert f"回复 1 {zh('menu.policy')}" in welcome["Content"]

    one = pushed(
        "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[1]]></Content><MsgId>71</MsgId>"
    )
    first = await wechat.post(PATH, params=signed(), content=one)
    retry = await wechat.post(PATH, params=signed(), content=one)  # WeChat's retry of MsgId 71

    assert zh("policy.choose_category") in xml.parse(first.content)["Content"]
    assert xml.parse(retry.content)["Content"] == xml.parse(first.content)["Content"]
    assert duplicates(engine) == 0  # the retry never reached the engine: the turn was in hand


async def test_a_wechat_retry_reaching_another_process_is_answered_by_the_engines_dedupe(
    engine: Engine,
) -> None:
    settings = make_settings(wechat_token=SecretStr(TOKEN))
    message = pushed(
        "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[菜单]]></Content><MsgId>72</MsgId>"
    )
    contents = []
    for _process in range(2):  # each router is a server process of its own
        app = FastAPI()
        app.include_router(make_wechat_router(engine, settings, later=_no_outbox))
        async with serving(app) as base_url, httpx.AsyncClient(base_url=base_url) as http:
            response = await http.post(PATH, params=signed(), content=message)
            contents.append(xml.parse(response.content)["Content"])
    assert contents[0] == contents[1]
    assert duplicates(engine) == 1


async def _no_outbox(key: ConversationKey, replies: list[Outbound]) -> None:
    raise AssertionError(f"every reply here should be passive, not {replies}")
