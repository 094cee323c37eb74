"""A Telegram update is answered once across a restart: the real aiogram client against the
fake Bot API, the real engine on one SQLite file that outlives each "process" (bug: an update
redelivered after its replies went out, the offset's confirmation lost in a restart, was
answered a second time)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.channels.telegram.client import TelegramClient
from bot.channels.telegram.limits import RateLimiter
from bot.channels.telegram.polling import TelegramPoller
from bot.config import Settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from bot.messages import catalogue
from storage import migrate
from storage.database import Database
from tests.bot.channels.telegram.telegram_fake import FakeTelegram
from tests.paths import FIXTURE_KB

USER = 4343


@asynccontextmanager
async def process(folder: Path, settings: Settings) -> AsyncIterator[TelegramPoller]:
    """One server process's Telegram side: its own pool, engine, client and poller (whose
    offset starts unknown, as after a restart)."""
    database = Database(f"sqlite:///{folder / 'vetbot.db'}")
    await migrate.upgrade(database)
    engine = Engine(database, KnowledgeStore(FIXTURE_KB, Knowledge.build(FIXTURE_KB)), settings)
    limiter = RateLimiter(per_chat_interval=0.0, overall_per_second=1000.0)
    client = TelegramClient.from_settings(settings, limiter=limiter)
    try:
        yield TelegramPoller(client, engine, poll_timeout=0, retry_delay=0)
    finally:
        await client.close()
        await database.dispose()


async def test_an_update_redelivered_after_its_replies_went_out_is_not_answered_again(
    tmp_path: Path, fake_telegram: FakeTelegram, telegram_settings: Settings
) -> None:
    fake_telegram.user_message(USER, text="菜单")
    async with process(tmp_path, telegram_settings) as first:
        assert await first.poll_once()
    # Killed before its next getUpdates told Telegram the offset: the update comes again.
    assert len(fake_telegram.updates) == 1
    async with process(tmp_path, telegram_settings) as second:
        assert await second.poll_once()
        assert await second.poll_once()  # and now it is acknowledged
    assert len(fake_telegram.sent) == 1
    assert fake_telegram.updates == []


async def test_an_update_whose_replies_never_went_out_is_sent_once_after_a_restart(
    tmp_path: Path, fake_telegram: FakeTelegram, telegram_settings: Settings
) -> None:
    fake_telegram.user_message(USER, text="菜单")
    fake_telegram.fail("sendMessage", 500)
    async with process(tmp_path, telegram_settings) as first:
        assert not await first.poll_once()  # the turn is stored, its reply refused
    assert fake_telegram.sent == []
    async with process(tmp_path, telegram_settings) as second:
        assert await second.poll_once()
    async with process(tmp_path, telegram_settings) as third:  # still not acknowledged
        assert await third.poll_once()
    [menu] = fake_telegram.sent
    assert menu["text"].startswith(catalogue().text("zh", "menu.title"))
