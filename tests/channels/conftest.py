"""Fixtures for the channel adapters: the fake Telegram server and clients pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from channel_handlers import EchoHandler
from pydantic import SecretStr
from telegram_fake import FakeTelegram

from bot.config import Settings


def make_settings(**values: object) -> Settings:
    """Settings from these values only: no .env file, nothing from the developer's shell."""
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


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
