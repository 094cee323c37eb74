"""A signed WeChat URL replayed with a forged body (bug: plain mode's signature does not cover
the body, and used (timestamp, nonce) pairs were not remembered, so the forgery was answered)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from bot.channels.wechat import xml
from bot.channels.wechat.router import PATH, make_wechat_router
from bot.conversation.types import ConversationKey, Outbound
from tests.bot.channels.channel_config import make_settings
from tests.bot.channels.channel_handlers import EchoHandler
from tests.bot.channels.channel_servers import serving
from tests.bot.channels.wechat.wechat_push import TOKEN, signed
from tests.bot.channels.wechat.wechat_push import pushed as push

VICTIM = "oVictimOpenId00000000000000"


def captured() -> dict[str, str]:
    """The query string of one real push, as an eavesdropper (or a log reader) saw it."""
    return signed(nonce="1894372651")


def pushed(content: str, msg_id: str, sender: str = VICTIM) -> bytes:
    return push(content, msg_id, sender)


async def _nowhere(key: ConversationKey, replies: list[Outbound]) -> None:
    raise AssertionError("every reply here is passive")


@pytest.fixture
async def wechat(echo: EchoHandler) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    app.include_router(
        make_wechat_router(echo, make_settings(wechat_token=SecretStr(TOKEN)), _nowhere)
    )
    async with serving(app) as base_url, httpx.AsyncClient(base_url=base_url) as http:
        yield http


async def test_a_signed_url_replayed_with_a_forged_body_is_refused(
    wechat: httpx.AsyncClient, echo: EchoHandler
) -> None:
    query = captured()
    real = await wechat.post(PATH, params=query, content=pushed("你好", "1"))
    forged = await wechat.post(PATH, params=query, content=pushed("我要转人工，急！", "2"))
    other_user = await wechat.post(PATH, params=query, content=pushed("你好", "3", "oAttacker"))

    assert real.status_code == 200 and xml.parse(real.content)["Content"] == "您说：你好"
    assert (forged.status_code, other_user.status_code) == (403, 403)
    assert [inbound.text for inbound in echo.turns] == ["你好"]


async def test_the_same_body_again_is_wechats_retry_and_answered_the_same(
    wechat: httpx.AsyncClient, echo: EchoHandler
) -> None:
    query = captured()
    first = await wechat.post(PATH, params=query, content=pushed("优待证", "7"))
    retry = await wechat.post(PATH, params=query, content=pushed("优待证", "7"))
    assert first.status_code == retry.status_code == 200
    assert xml.parse(retry.content)["Content"] == xml.parse(first.content)["Content"]
    assert len(echo.turns) == 1
