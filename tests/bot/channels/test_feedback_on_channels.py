"""有帮助 / 没帮助 on Telegram and WeChat, end to end through the real engine on the small knowledge
base (tests/bot/conftest.py): numbered like every option (Telegram buttons "N. 有帮助", WeChat
"回复 N 有帮助"), answerable by a typed digit or a pressed button."""

from __future__ import annotations

import secrets
import time

import httpx
from fastapi import FastAPI
from pydantic import SecretStr

from bot.channels.telegram.client import TelegramClient
from bot.channels.telegram.polling import TelegramPoller
from bot.channels.wechat import xml
from bot.channels.wechat.router import PATH, make_wechat_router
from bot.channels.wechat.signature import sign
from bot.conversation.engine import Engine
from bot.conversation.payloads import Helped, build
from bot.conversation.types import ConversationKey, Outbound
from tests.bot.channels.channel_config import make_settings
from tests.bot.channels.channel_servers import serving
from tests.bot.channels.telegram.telegram_fake import FakeTelegram

USER = 4343
TOKEN = "pingjiang-token"
OPENID = "o9AgO5Kd5ggOC-feedback0000001"
NOT_HELPFUL = build(Helped("preferential.card", False))


async def test_telegram_shows_numbered_verdict_buttons_answered_by_digit_or_press(
    fake_telegram: FakeTelegram, client: TelegramClient, engine: Engine
) -> None:
    poller = TelegramPoller(client, engine, poll_timeout=0, retry_delay=0)
    fake_telegram.user_message(USER, text="优待证怎么办理")
    await poller.poll_once()
    answer = fake_telegram.bot_messages[-1]
    buttons = [row[0] for row in answer["reply_markup"]["inline_keyboard"]]
    texts = [b["text"] for b in buttons]
    number = next(n for n, b in enumerate(buttons, 1) if b["callback_data"] == NOT_HELPFUL)
    assert texts[number - 2 : number] == [f"{number - 1}. 有帮助", f"{number}. 没帮助"]
    assert texts[-1] == f"{len(texts)}. 回到主菜单"  # the menu stays last

    fake_telegram.user_message(USER, text=str(number))  # typed, not pressed
    await poller.poll_once()
    ask = fake_telegram.bot_messages[-1]
    assert "缺什么" in ask["text"]
    skip = next(
        row[0] for row in ask["reply_markup"]["inline_keyboard"] if row[0]["text"].endswith("跳过")
    )
    fake_telegram.press(USER, ask, skip["callback_data"])
    await poller.poll_once()
    assert "不用说明" in fake_telegram.sent[-1]["text"]


async def test_wechat_numbers_the_verdicts_and_takes_the_digit(engine: Engine) -> None:
    settings = make_settings(wechat_token=SecretStr(TOKEN))
    app = FastAPI()
    app.include_router(make_wechat_router(engine, settings, later=_no_outbox))
    async with serving(app) as base_url, httpx.AsyncClient(base_url=base_url) as http:
        answer = await _say(http, "优待证怎么办理", 81)
        lines = answer.splitlines()
        verdict = next(line for line in lines if line.endswith(" 没帮助"))
        number = verdict.split()[1]
        assert f"回复 {int(number) - 1} 有帮助" in answer
        ask = await _say(http, number, 82)
        assert "缺什么" in ask and "回复 1 联系工作人员" in ask
        noted = await _say(http, "没说要带什么材料", 83)
        assert "已经记下" in noted


async def _say(http: httpx.AsyncClient, text: str, message_id: int) -> str:
    timestamp, nonce = str(int(time.time())), str(secrets.randbelow(10**10))
    signed = {"signature": sign(TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}
    body = (
        f"<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName>"
        f"<FromUserName><![CDATA[{OPENID}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{text}]]></Content><MsgId>{message_id}</MsgId></xml>"
    ).encode()
    response = await http.post(PATH, params=signed, content=body)
    return xml.parse(response.content)["Content"]


async def _no_outbox(key: ConversationKey, replies: list[Outbound]) -> None:
    raise AssertionError(f"every reply here should be passive, not {replies}")
