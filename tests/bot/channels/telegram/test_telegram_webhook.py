"""Telegram webhook mode over real HTTP: uvicorn on loopback, httpx posting like Telegram does."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.webhook import PATH, SECRET_HEADER, make_telegram_router
from bot.config import Settings
from tests.bot.channels.channel_handlers import EchoHandler
from tests.bot.channels.channel_servers import serving
from tests.bot.channels.telegram.telegram_fake import FakeTelegram

SECRET = "s3cret-From_BotFather-setup"


def text_update(update_id: int, text: str) -> dict[str, Any]:
    chat = {"id": 42, "type": "private", "first_name": "老兵"}
    sender = {"id": 42, "is_bot": False, "first_name": "老兵"}
    message = {"message_id": update_id, "date": 1_700_000_000, "chat": chat, "from": sender}
    return {"update_id": update_id, "message": {**message, "text": text}}


@pytest.fixture
def handler() -> EchoHandler:
    return EchoHandler()


@pytest.fixture
async def webhook(
    telegram_settings: Settings, handler: EchoHandler
) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    app.include_router(make_telegram_router(handler, telegram_settings))
    async with serving(app) as base_url, httpx.AsyncClient(base_url=base_url) as http:
        yield http


@pytest.mark.parametrize(
    "headers",
    [{}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: SECRET + "x"}],
    ids=["none", "wrong", "longer"],
)
async def test_a_post_without_the_right_secret_is_refused(
    webhook: httpx.AsyncClient,
    handler: EchoHandler,
    fake_telegram: FakeTelegram,
    headers: dict[str, str],
) -> None:
    response = await webhook.post(PATH, json=text_update(1, "你好"), headers=headers)
    assert response.status_code == 403
    assert handler.calls == 0
    assert fake_telegram.sent == []


async def test_a_post_with_the_right_secret_is_answered(
    webhook: httpx.AsyncClient, fake_telegram: FakeTelegram
) -> None:
    response = await webhook.post(
        PATH, json=text_update(1, "你好"), headers={SECRET_HEADER: SECRET}
    )
    assert response.status_code == 200
    assert [m["text"] for m in fake_telegram.sent] == ["您说：你好"]


async def test_a_body_that_is_not_an_update_is_a_400(
    webhook: httpx.AsyncClient, handler: EchoHandler
) -> None:
    for body in (b"{not json", b'{"message": {}}'):
        response = await webhook.post(PATH, content=body, headers={SECRET_HEADER: SECRET})
        assert response.status_code == 400
    assert handler.calls == 0


async def test_a_failed_turn_is_a_500_and_its_redelivery_is_answered_once(
    telegram_settings: Settings, fake_telegram: FakeTelegram
) -> None:
    handler = EchoHandler(failures=1)
    app = FastAPI()
    app.include_router(make_telegram_router(handler, telegram_settings))
    async with serving(app) as base_url, httpx.AsyncClient(base_url=base_url) as http:
        first = await http.post(PATH, json=text_update(9, "申请"), headers={SECRET_HEADER: SECRET})
        again = await http.post(PATH, json=text_update(9, "申请"), headers={SECRET_HEADER: SECRET})
    assert (first.status_code, again.status_code) == (500, 200)
    assert len(handler.turns) == 1
    assert [m["text"] for m in fake_telegram.sent] == ["您说：申请"]


async def test_a_reply_that_could_not_be_sent_is_a_500_and_the_redelivery_sends_it_once(
    webhook: httpx.AsyncClient, handler: EchoHandler, fake_telegram: FakeTelegram
) -> None:
    fake_telegram.fail("sendMessage", 500)
    first = await webhook.post(PATH, json=text_update(3, "你好"), headers={SECRET_HEADER: SECRET})
    again = await webhook.post(PATH, json=text_update(3, "你好"), headers={SECRET_HEADER: SECRET})
    assert (first.status_code, again.status_code) == (500, 200)
    assert len(handler.turns) == 1
    assert [m["text"] for m in fake_telegram.sent] == ["您说：你好"]


def test_webhook_mode_needs_a_secret(telegram_settings: Settings, handler: EchoHandler) -> None:
    settings = telegram_settings.model_copy(update={"telegram_webhook_secret": SecretStr("")})
    with pytest.raises(ValueError, match="VETBOT_TELEGRAM_WEBHOOK_SECRET"):
        make_telegram_router(handler, settings)


async def test_the_channel_registers_its_webhook_when_a_url_is_set(
    telegram_settings: Settings, fake_telegram: FakeTelegram, handler: EchoHandler
) -> None:
    url = "https://vetbot.example.cn/webhooks/telegram"
    channel = TelegramChannel(
        handler, telegram_settings.model_copy(update={"telegram_webhook_url": url})
    )
    await channel.start()
    await channel.stop()
    assert fake_telegram.webhook is not None
    assert fake_telegram.webhook["url"] == url
    assert fake_telegram.webhook["secret_token"] == SECRET
    assert fake_telegram.webhook["allowed_updates"] == ["message", "callback_query"]


async def test_the_channel_polls_when_no_webhook_url_is_set(
    telegram_settings: Settings, fake_telegram: FakeTelegram, handler: EchoHandler
) -> None:
    fake_telegram.webhook = {"url": "https://old.example.cn/hook"}
    fake_telegram.user_message(42, text="在吗")
    channel = TelegramChannel(handler, telegram_settings)
    await channel.start()
    try:
        for _ in range(200):
            if fake_telegram.sent:
                break
            await asyncio.sleep(0.01)
    finally:
        await channel.stop()
    assert fake_telegram.webhook is None  # getUpdates refuses to work while a webhook is set
    assert [m["text"] for m in fake_telegram.sent] == ["您说：在吗"]


async def test_while_the_database_is_away_the_webhook_answers_503(
    telegram_settings: Settings, fake_telegram: FakeTelegram
) -> None:
    handler = EchoHandler(unavailable=1)
    app = FastAPI()
    app.include_router(make_telegram_router(handler, telegram_settings))
    async with serving(app) as base_url, httpx.AsyncClient(base_url=base_url) as http:
        first = await http.post(PATH, json=text_update(5, "你好"), headers={SECRET_HEADER: SECRET})
        again = await http.post(PATH, json=text_update(5, "你好"), headers={SECRET_HEADER: SECRET})
    assert (first.status_code, again.status_code) == (503, 200)
    assert [m["text"] for m in fake_telegram.sent] == ["您说：你好"]


def test_a_malformed_token_says_which_setting_is_wrong(
    telegram_settings: Settings, handler: EchoHandler
) -> None:
    settings = telegram_settings.model_copy(update={"telegram_token": SecretStr("not-a-token")})
    with pytest.raises(ValueError, match="VETBOT_TELEGRAM_TOKEN does not look like a bot token"):
        TelegramChannel(handler, settings)
