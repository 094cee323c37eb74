"""Fixtures for the channel adapters: the fake Telegram server and clients pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from bot.channels.telegram.client import TelegramClient
from bot.channels.telegram.limits import RateLimiter
from bot.config import Settings
from tests.bot.channels.channel_config import make_settings
from tests.bot.channels.channel_handlers import EchoHandler
from tests.bot.channels.telegram.telegram_fake import FakeTelegram
from tests.bot.channels.wechat.wechat_fake import fake_wechat

__all__ = ["fake_wechat"]  # the fixture, for every channel test


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
def telegram_settings(fake_telegram: FakeTelegram) -> Settings:
    return make_settings(
        telegram_token=SecretStr(fake_telegram.token),
        telegram_api_base=fake_telegram.base_url,
        telegram_webhook_secret=SecretStr("s3cret-From_BotFather-setup"),
    )


@pytest.fixture
def echo() -> EchoHandler:
    return EchoHandler()


@pytest.fixture
async def client(telegram_settings: Settings) -> AsyncIterator[TelegramClient]:
    limiter = RateLimiter(per_chat_interval=0.0, overall_per_second=1000.0)
    client = TelegramClient.from_settings(telegram_settings, limiter=limiter)
    try:
        yield client
    finally:
        await client.close()
