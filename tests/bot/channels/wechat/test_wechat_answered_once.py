"""A WeChat message whose replies missed the passive answer and went out through the customer
service API is not answered again by WeChat's retry reaching another process or this one after
a restart (bug: the engine's dedupe handed the stored replies back for a passive answer, so
the user read them twice)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import select

from bot.channels.wechat.router import PATH, make_wechat_router
from bot.channels.wechat.sender import WeChatSender
from bot.conversation.engine import Engine
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from bot.outbox.worker import OutboxWorker
from storage import migrate
from storage.database import Database
from storage.models import DedupeKey
from storage.repositories.outbox import Outbox
from tests.bot.channels.channel_config import make_settings
from tests.bot.channels.channel_servers import serving
from tests.bot.channels.wechat.wechat_fake import FakeWeChat
from tests.bot.channels.wechat.wechat_push import TOKEN, signed
from tests.bot.channels.wechat.wechat_push import pushed as push
from tests.paths import FIXTURE_KB
from tests.waiting import until

OPENID = "oAnsweredOnce000000000000000"


def pushed(content: str, msg_id: str) -> bytes:
    return push(content, msg_id, OPENID)


@asynccontextmanager
async def process(
    folder: Path, fake: FakeWeChat
) -> AsyncIterator[tuple[httpx.AsyncClient, OutboxWorker, Database]]:
    """One server process: its pool, engine, outbox worker and the Official Account's URL,
    with a passive deadline no turn can meet (every reply goes through the outbox)."""
    settings = make_settings(
        wechat_token=SecretStr(TOKEN), policies_dir=FIXTURE_KB, **fake.account()
    )
    database = Database(f"sqlite:///{folder / 'vetbot.db'}")
    await migrate.upgrade(database)
    engine = Engine(database, KnowledgeStore(FIXTURE_KB, Knowledge.build(FIXTURE_KB)), settings)
    sender = WeChatSender(settings)
    worker = OutboxWorker(database, {sender.channel: sender})
    app = FastAPI()
    app.include_router(make_wechat_router(engine, settings, worker.enqueue, reply_deadline=0.0))
    try:
        async with serving(app) as url, httpx.AsyncClient(base_url=url) as http:
            yield http, worker, database
    finally:
        await sender.close()
        await database.dispose()


async def delivered(database: Database) -> bool:
    async with database.transaction() as session:
        return bool(await session.scalar(select(DedupeKey.delivered_at)))


async def test_a_retry_after_the_late_reply_went_out_is_not_answered_again(
    tmp_path: Path, fake_wechat: FakeWeChat
) -> None:
    async with process(tmp_path, fake_wechat) as (http, worker, database):
        first = await http.post(PATH, params=signed(), content=pushed("菜单", "9001"))
        await until(lambda: delivered(database))  # queued for the outbox, and recorded so
        assert await worker.deliver_due() == 1
    assert first.text == "success" and len(fake_wechat.sent) == 1
    async with process(tmp_path, fake_wechat) as (http, _worker, _database):
        retry = await http.post(PATH, params=signed(), content=pushed("菜单", "9001"))
    # The router drained its turns as it stopped: whatever they queued is in the outbox now.
    assert retry.status_code == 200 and retry.text == "success"
    assert await pending(tmp_path) == 0
    assert len(fake_wechat.sent) == 1


async def pending(folder: Path) -> int:
    database = Database(f"sqlite:///{folder / 'vetbot.db'}")
    try:
        async with database.transaction() as session:
            return await Outbox(session).pending()
    finally:
        await database.dispose()
