"""Late WeChat replies while the database blinks: queued once it is back, or answered passively
to WeChat's retry, never both and never silently lost (bug: a failed write was only logged)."""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from bot.channels.wechat import xml
from bot.channels.wechat.router import PATH, make_wechat_router
from bot.channels.wechat.sender import WeChatSender
from bot.channels.wechat.signature import sign
from bot.channels.wechat.turns import Turns
from bot.conversation.types import ConversationKey, Inbound
from bot.outbox.worker import OutboxWorker
from bot.privacy.pseudonyms import pseudonym
from storage.database import Database
from storage.repositories.outbox import Outbox
from tests.bot.channels.channel_config import make_settings
from tests.bot.channels.channel_handlers import EchoHandler
from tests.bot.channels.channel_servers import serving
from tests.bot.channels.wechat.wechat_fake import FakeWeChat
from tests.storage.blips import Blip, blip_in
from tests.waiting import until

TOKEN = "pingjiang-token"
OPENID = "oyORnuP8q7ou2gfYjqLzSIWZf0rs"
NOT_QUEUED = "not queued (attempt 1)"


@pytest.fixture
async def blip(tmp_path: Path) -> AsyncIterator[Blip]:
    async with blip_in(tmp_path / "db") as blip:
        yield blip


def signed() -> dict[str, str]:
    timestamp, nonce = str(int(time.time())), str(secrets.randbelow(10**10))  # fresh, as WeChat's
    return {"signature": sign(TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}


def pushed(content: str, msg_id: str) -> bytes:
    return (
        f"<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>"
        f"<FromUserName><![CDATA[{OPENID}]]></FromUserName>"
        f"<CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{xml.cdata(content)}</Content><MsgId>{msg_id}</MsgId></xml>"
    ).encode()


async def pending(database: Database) -> int:
    async with database.transaction() as session:
        return await Outbox(session).pending()


async def test_late_reply_survives_a_database_blip(
    blip: Blip, fake_wechat: FakeWeChat, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(wechat_token=SecretStr(TOKEN), **fake_wechat.account())
    sender = WeChatSender(settings)
    worker = OutboxWorker(blip.database, {sender.channel: sender})
    app = FastAPI()
    app.include_router(
        make_wechat_router(EchoHandler(delay=0.2), settings, worker.enqueue, reply_deadline=0.05)
    )
    try:
        async with serving(app) as base_url, httpx.AsyncClient(base_url=base_url) as http:
            await blip.start()
            response = await http.post(PATH, params=signed(), content=pushed("在吗", "41"))
            await until(lambda: NOT_QUEUED in caplog.text)
            blip.end()
            await until(lambda: pending(blip.database))  # queued, once the database is back
            assert await worker.deliver_due() == 1
    finally:
        await sender.close()
    assert response.text == "success"
    assert fake_wechat.sent == [
        {"touser": OPENID, "msgtype": "text", "text": {"content": "您说：在吗"}}
    ]
    assert "lost" not in caplog.text


async def test_a_retry_while_the_late_reply_cannot_be_queued_gets_it_passively_and_only_so(
    blip: Blip, caplog: pytest.LogCaptureFixture
) -> None:
    handler = EchoHandler(delay=0.2)
    worker = OutboxWorker(blip.database, {})
    app = FastAPI()
    settings = make_settings(wechat_token=SecretStr(TOKEN))
    app.include_router(make_wechat_router(handler, settings, worker.enqueue, reply_deadline=0.05))
    async with serving(app) as base_url, httpx.AsyncClient(base_url=base_url) as http:
        await blip.start()
        first = await http.post(PATH, params=signed(), content=pushed("重试", "42"))
        await until(lambda: NOT_QUEUED in caplog.text)
        retry = await http.post(PATH, params=signed(), content=pushed("重试", "42"))
        blip.end()
    # Shut down: the router drained its deliveries, so anything still to be queued would be.
    assert first.text == "success"
    assert xml.parse(retry.content)["Content"] == "您说：重试"
    assert handler.calls == 1
    assert await pending(blip.database) == 0  # answered passively, so not sent again later
    assert "lost" not in caplog.text


async def test_a_late_reply_that_can_never_be_queued_is_logged_as_lost(
    blip: Blip, caplog: pytest.LogCaptureFixture
) -> None:
    worker = OutboxWorker(blip.database, {})
    turns = Turns(EchoHandler(delay=0.05), worker.enqueue, deadline=0.01, waits=(0.01, 0.02))
    key = ConversationKey("wechat", OPENID, OPENID)
    await blip.start()
    assert await turns.answer(Inbound(key, "43", text="喂")) is None
    await turns.drain(5)
    blip.end()
    lost = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [r.getMessage() for r in lost] == [
        f"WeChat replies to {pseudonym(key)} lost: not queued after 3 attempts"
    ]
    assert OPENID not in caplog.text  # the user is named by a keyed hash only
    assert lost[0].exc_info is not None  # with the database's own error
    assert await pending(blip.database) == 0
