"""Fixtures for staff alerts: a fake WeCom robot server and Bot API server, settings that send the county's and
Tongshi's alerts to two of its robots, and the outbox worker that delivers them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol, TypeVar

import pytest
from aiohttp import web

from bot.config import Settings
from bot.conversation.knowledge import Knowledge
from bot.outbox.worker import OutboxWorker
from bot.staff.alerts.wecom import WeComSender
from storage.database import Database
from tests.bot.channels.channel_config import make_settings
from tests.bot.channels.telegram.telegram_fake import FakeTelegram
from tests.bot.staff.alerts.wecom_fake import KEY, OTHER_KEY, FakeWeComRobots, webhook
from tests.paths import FIXTURE_KB

PUBLIC = "https://vetbot.example.cn"


class FakeTelegramWithNotices(FakeTelegram):
    """The fake Bot API, also keeping the notice each button press was answered with."""

    notices: dict[str, str | None]

    async def _answerCallbackQuery(self, params: dict[str, Any]) -> bool | web.Response:
        self.notices = getattr(self, "notices", {})
        self.notices[params["callback_query_id"]] = params.get("text")
        return await super()._answerCallbackQuery(params)


class Fake(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...


F = TypeVar("F", bound=Fake)


@asynccontextmanager
async def started(fake: F) -> AsyncIterator[F]:
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
async def robots() -> AsyncIterator[FakeWeComRobots]:
    async with started(FakeWeComRobots()) as fake:
        yield fake


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegramWithNotices]:
    async with started(FakeTelegramWithNotices()) as fake:
        yield fake


@pytest.fixture
def settings(robots: FakeWeComRobots) -> Settings:
    return make_settings(
        policies_dir=FIXTURE_KB,
        crisis_contact="心理援助热线 12356",
        public_url=PUBLIC,
        wecom_api_base=robots.base_url,
        alert_wecom_webhooks={"county": webhook(KEY), "tongshi": webhook(OTHER_KEY)},
    )


@pytest.fixture
async def worker(
    database: Database, settings: Settings, knowledge: Knowledge
) -> AsyncIterator[OutboxWorker]:
    sender = WeComSender(settings, lambda: knowledge.kb)
    try:
        yield OutboxWorker(database, {sender.channel: sender})
    finally:
        await sender.close()
