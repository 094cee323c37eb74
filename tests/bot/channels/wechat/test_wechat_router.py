"""The Official Account's server URL over real HTTP: uvicorn on loopback, httpx as WeChat."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from bot.channels.wechat import xml
from bot.channels.wechat.crypto import MessageCrypto
from bot.channels.wechat.router import PATH, make_wechat_router
from bot.channels.wechat.sender import WeChatSender
from bot.channels.wechat.signature import sign
from bot.config import Settings
from bot.conversation.types import ConversationKey, Outbound
from bot.outbox.worker import OutboxWorker
from storage.database import Database
from tests.bot.channels.channel_config import make_settings
from tests.bot.channels.channel_handlers import UNAVAILABLE, EchoHandler
from tests.bot.channels.channel_servers import serving
from tests.bot.channels.wechat import wechat_samples as sample
from tests.bot.channels.wechat.wechat_fake import FakeWeChat
from tests.bot.channels.wechat.wechat_samples import BILLION_LAUGHS

TOKEN = "pingjiang-token"
OPENID = "oyORnuP8q7ou2gfYjqLzSIWZf0rs"
ACCOUNT = "gh_10f6c3c3ac5a"


class Outbox:
    """Stands in for the engine's outbox: records what `later` was given."""

    def __init__(self) -> None:
        self.items: list[tuple[ConversationKey, list[Outbound]]] = []
        self.arrived = asyncio.Event()

    async def enqueue(self, key: ConversationKey, replies: list[Outbound]) -> None:
        self.items.append((key, replies))
        self.arrived.set()


def signed(
    token: str = TOKEN, timestamp: str | None = None, nonce: str | None = None
) -> dict[str, str]:
    """A signed query, with a fresh nonce as WeChat gives every push (one nonce is good for
    one body only)."""
    timestamp = timestamp or str(int(time.time()))
    nonce = nonce or str(secrets.randbelow(10**10))
    return {"signature": sign(token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}


def pushed(content: str, msg_id: str = "6054768590064713728") -> bytes:
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{OPENID}]]></FromUserName>"
        f"<CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{xml.cdata(content)}</Content><MsgId>{msg_id}</MsgId></xml>"
    ).encode()


@pytest.fixture
def settings() -> Settings:
    return make_settings(wechat_token=SecretStr(TOKEN))


@pytest.fixture
async def wechat(settings: Settings, echo: EchoHandler) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    app.include_router(make_wechat_router(echo, settings, later=Outbox().enqueue))
    async with serving(app) as base_url, httpx.AsyncClient(base_url=base_url) as http:
        yield http


async def test_the_url_check_from_the_documentation_echoes_echostr(echo: EchoHandler) -> None:
    settings = make_settings(wechat_token=SecretStr(sample.DOCS_TOKEN))
    app = FastAPI()
    clock = lambda: float(sample.DOCS_TIMESTAMP)  # noqa: E731 - the example's own moment
    app.include_router(make_wechat_router(echo, settings, later=Outbox().enqueue, clock=clock))
    query = {
        "signature": sample.DOCS_SIGNATURE,
        "timestamp": sample.DOCS_TIMESTAMP,
        "nonce": sample.DOCS_NONCE,
        "echostr": "4075181314397890557",
    }
    async with serving(app) as base_url, httpx.AsyncClient(base_url=base_url) as http:
        right = await http.get(PATH, params=query)
        wrong = await http.get(PATH, params={**query, "signature": "0" * 40})
    assert (right.status_code, right.text) == (200, "4075181314397890557")
    assert wrong.status_code == 403


async def test_a_stale_url_check_is_refused(wechat: httpx.AsyncClient) -> None:
    old = signed(timestamp="1409735669")
    response = await wechat.get(PATH, params={**old, "echostr": "x"})
    assert response.status_code == 403


async def test_a_text_message_gets_a_passive_reply(
    wechat: httpx.AsyncClient, echo: EchoHandler
) -> None:
    response = await wechat.post(PATH, params=signed(), content=pushed("菜单"))

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    reply = xml.parse(response.content)
    assert (reply["ToUserName"], reply["FromUserName"], reply["MsgType"]) == (
        OPENID,
        ACCOUNT,
        "text",
    )
    assert reply["Content"] == "请选择您要办理的事项：\n\n回复 1 优待证办理\n回复 2 预约上门服务"
    assert echo.turns[0].text == "菜单"


async def test_a_replayed_message_is_answered_once(
    wechat: httpx.AsyncClient, echo: EchoHandler
) -> None:
    first = await wechat.post(PATH, params=signed(), content=pushed("你好"))
    again = await wechat.post(PATH, params=signed(nonce="999"), content=pushed("你好"))

    assert (
        xml.parse(first.content)["Content"] == xml.parse(again.content)["Content"] == "您说：你好"
    )
    assert len(echo.turns) == 1


@pytest.mark.parametrize(
    "query",
    [
        {},
        signed(token="someone-elses-token"),
        {**signed(), "signature": "0" * 40},
        signed(timestamp="1409735669"),
    ],
    ids=["unsigned", "other token", "wrong signature", "replayed old request"],
)
async def test_a_message_without_our_signature_is_refused_and_not_handled(
    wechat: httpx.AsyncClient, echo: EchoHandler, query: dict[str, str]
) -> None:
    response = await wechat.post(PATH, params=query, content=pushed("你好"))
    assert response.status_code == 403
    assert echo.calls == 0


@pytest.mark.parametrize(
    "body",
    [
        b"<xml><Content>unclosed",
        b"not xml at all",
        b"<xml><MsgType>text</MsgType></xml>",
        b"<xml>" + b"<Content>a</Content>" * 4000 + b"</xml>",
        BILLION_LAUGHS,
    ],
    ids=["malformed", "not xml", "no sender", "oversized", "entity bomb"],
)
async def test_an_unreadable_body_is_a_400_and_not_handled(
    wechat: httpx.AsyncClient, echo: EchoHandler, body: bytes
) -> None:
    started = time.perf_counter()
    response = await wechat.post(PATH, params=signed(), content=body)
    assert response.status_code == 400
    assert time.perf_counter() - started < 1.0
    assert echo.calls == 0


async def test_an_oversized_body_with_a_lying_length_is_cut_off(
    wechat: httpx.AsyncClient, echo: EchoHandler
) -> None:
    async def chunks() -> AsyncIterator[bytes]:  # streamed: no Content-Length header
        yield b"<xml><Content>"
        for _ in range(100):
            yield b"a" * 1024
        yield b"</Content></xml>"

    response = await wechat.post(PATH, params=signed(), content=chunks())
    assert response.status_code == 400
    assert echo.calls == 0


async def test_subscribing_starts_the_conversation_and_leaving_needs_no_answer(
    wechat: httpx.AsyncClient, echo: EchoHandler
) -> None:
    def event(name: str) -> bytes:
        return (
            f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{OPENID}]]>"
            f"</FromUserName><CreateTime>1409735670</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            f"<Event><![CDATA[{name}]]></Event></xml>"
        ).encode()

    welcome = await wechat.post(PATH, params=signed(), content=event("subscribe"))
    goodbye = await wechat.post(PATH, params=signed(), content=event("unsubscribe"))

    assert xml.parse(welcome.content)["Content"] == "您说：/start"
    assert goodbye.text == "success"
    assert [inbound.text for inbound in echo.turns] == ["/start"]


async def test_a_failed_turn_is_a_500_and_the_retry_is_answered(settings: Settings) -> None:
    handler = EchoHandler(failures=1)
    app = FastAPI()
    app.include_router(make_wechat_router(handler, settings, later=Outbox().enqueue))
    async with serving(app) as base_url, httpx.AsyncClient(base_url=base_url) as http:
        first = await http.post(PATH, params=signed(), content=pushed("申请"))
        retry = await http.post(PATH, params=signed(), content=pushed("申请"))
    assert first.status_code == 500
    assert xml.parse(retry.content)["Content"] == "您说：申请"
    assert len(handler.turns) == 1


async def test_while_the_database_is_away_the_user_is_asked_to_send_again(
    settings: Settings,
) -> None:
    handler = EchoHandler(unavailable=1)
    app = FastAPI()
    app.include_router(make_wechat_router(handler, settings, later=Outbox().enqueue))
    async with serving(app) as base_url, httpx.AsyncClient(base_url=base_url) as http:
        refused = await http.post(PATH, params=signed(), content=pushed("申请", "11"))
        resent = await http.post(PATH, params=signed(), content=pushed("申请", "12"))
    assert xml.parse(refused.content)["Content"] == UNAVAILABLE
    assert xml.parse(resent.content)["Content"] == "您说：申请"


async def test_a_slow_turn_answers_success_and_its_replies_go_to_the_outbox(
    settings: Settings,
) -> None:
    handler, outbox = EchoHandler(delay=0.5), Outbox()
    app = FastAPI()
    app.include_router(
        make_wechat_router(handler, settings, later=outbox.enqueue, reply_deadline=0.2)
    )
    async with serving(app) as base_url, httpx.AsyncClient(base_url=base_url) as http:
        first = await http.post(PATH, params=signed(), content=pushed("慢一点"))
        await asyncio.wait_for(outbox.arrived.wait(), 5)
        retry = await http.post(PATH, params=signed(), content=pushed("慢一点"))

    assert first.text == retry.text == "success"
    assert outbox.items == [(handler.turns[0].key, [Outbound("您说：慢一点")])]
    assert handler.calls == 1  # the retry did not even reach the engine


async def test_a_retry_while_the_turn_runs_gets_the_reply_passively(settings: Settings) -> None:
    handler, outbox = EchoHandler(delay=0.5), Outbox()
    app = FastAPI()
    app.include_router(
        make_wechat_router(handler, settings, later=outbox.enqueue, reply_deadline=0.3)
    )
    async with serving(app) as base_url, httpx.AsyncClient(base_url=base_url) as http:
        first = asyncio.create_task(http.post(PATH, params=signed(), content=pushed("重试")))
        await asyncio.sleep(0.25)  # WeChat gives up on the first request and retries
        retry = await http.post(PATH, params=signed(nonce="2"), content=pushed("重试"))
        first_response = await first

    assert first_response.text == "success"
    assert xml.parse(retry.content)["Content"] == "您说：重试"
    assert handler.calls == 1
    assert outbox.items == []  # answered passively, so nothing goes out twice


async def test_late_replies_reach_the_user_through_the_customer_service_api(
    fake_wechat: FakeWeChat, sqlite_database: Database
) -> None:
    settings = make_settings(wechat_token=SecretStr(TOKEN), **fake_wechat.account())
    handler = EchoHandler(delay=0.4)
    sender = WeChatSender(settings)
    worker = OutboxWorker(sqlite_database, {sender.channel: sender})
    app = FastAPI()
    app.include_router(make_wechat_router(handler, settings, worker.enqueue, reply_deadline=0.1))
    try:
        async with serving(app) as base_url, httpx.AsyncClient(base_url=base_url) as http:
            response = await http.post(PATH, params=signed(), content=pushed("在吗"))
            for _ in range(300):
                if await worker.deliver_due():
                    break
                await asyncio.sleep(0.01)
    finally:
        await sender.close()
    assert response.text == "success"
    assert fake_wechat.sent == [
        {"touser": OPENID, "msgtype": "text", "text": {"content": "您说：在吗"}}
    ]


async def test_a_reply_too_long_for_one_message_sends_the_rest_later(settings: Settings) -> None:
    class Verbose(EchoHandler):
        async def handle(self, inbound: Any) -> list[Outbound]:
            return [Outbound("优待证在乡镇服务站办理。" * 100)]

    outbox = Outbox()
    app = FastAPI()
    app.include_router(make_wechat_router(Verbose(), settings, later=outbox.enqueue))
    async with serving(app) as base_url, httpx.AsyncClient(base_url=base_url) as http:
        response = await http.post(PATH, params=signed(), content=pushed("详细说说"))
        await asyncio.wait_for(outbox.arrived.wait(), 5)
    passive = xml.parse(response.content)["Content"]
    rest = [reply.text for reply in outbox.items[0][1]]
    assert passive + "".join(rest) == "优待证在乡镇服务站办理。" * 100
    assert all(len(part.encode()) <= 2048 for part in [passive, *rest])


# --- safe mode ---------------------------------------------------------------------------------


async def test_the_sample_codes_encrypted_message_is_decrypted_and_answered_encrypted(
    echo: EchoHandler,
) -> None:
    settings = make_settings(
        wechat_token=SecretStr(sample.DEMO_TOKEN),
        wechat_aes_key=SecretStr(sample.DEMO_AES_KEY),
        wechat_app_id=sample.DEMO_APP_ID,
    )
    clock = lambda: float(sample.DEMO_TIMESTAMP)  # noqa: E731 - the sample's own moment
    app = FastAPI()
    app.include_router(make_wechat_router(echo, settings, later=Outbox().enqueue, clock=clock))
    query = {
        "signature": sign(sample.DEMO_TOKEN, sample.DEMO_TIMESTAMP, sample.DEMO_NONCE),
        "timestamp": sample.DEMO_TIMESTAMP,
        "nonce": sample.DEMO_NONCE,
        "encrypt_type": "aes",
        "msg_signature": sample.DEMO_MSG_SIGNATURE,
    }
    async with serving(app) as base_url, httpx.AsyncClient(base_url=base_url) as http:
        response = await http.post(PATH, params=query, content=sample.DEMO_BODY.encode())
        tampered = await http.post(
            PATH, params={**query, "msg_signature": "0" * 40}, content=sample.DEMO_BODY.encode()
        )

    assert echo.turns[0].text == "abcdteT"
    assert echo.turns[0].message_id == "6054768590064713728"
    envelope = xml.parse(response.content)
    assert envelope["MsgSignature"] == sign(
        sample.DEMO_TOKEN, envelope["TimeStamp"], envelope["Nonce"], envelope["Encrypt"]
    )
    crypto = MessageCrypto(sample.DEMO_AES_KEY, sample.DEMO_APP_ID)
    reply = xml.parse(crypto.decrypt(envelope["Encrypt"]).encode())
    assert (reply["ToUserName"], reply["Content"]) == (
        "oyORnuP8q7ou2gfYjqLzSIWZf0rs",
        "您说：abcdteT",
    )
    assert tampered.status_code == 403
    assert echo.calls == 1


async def test_safe_mode_round_trip_and_a_message_for_another_account(echo: EchoHandler) -> None:
    settings = make_settings(
        wechat_token=SecretStr(TOKEN),
        wechat_aes_key=SecretStr(sample.DEMO_AES_KEY),
        wechat_app_id=sample.DEMO_APP_ID,
    )

    def envelope(crypto: MessageCrypto, content: str, msg_id: str) -> tuple[dict[str, str], bytes]:
        encrypted = crypto.encrypt(pushed(content, msg_id).decode())
        query = {**signed(), "encrypt_type": "aes"}
        query["msg_signature"] = sign(TOKEN, query["timestamp"], query["nonce"], encrypted)
        body = f"<xml><ToUserName>{xml.cdata(ACCOUNT)}</ToUserName><Encrypt>{xml.cdata(encrypted)}"
        body += "</Encrypt></xml>"
        return query, body.encode()

    ours = MessageCrypto(sample.DEMO_AES_KEY, sample.DEMO_APP_ID)
    theirs = MessageCrypto(sample.DEMO_AES_KEY, "wx0000000000000000")
    app = FastAPI()
    app.include_router(make_wechat_router(echo, settings, later=Outbox().enqueue))
    async with serving(app) as base_url, httpx.AsyncClient(base_url=base_url) as http:
        query, body = envelope(ours, "抚恤 ]]> 标准", "1")
        answered = await http.post(PATH, params=query, content=body)
        query, body = envelope(theirs, "别人的消息", "2")
        foreign = await http.post(PATH, params=query, content=body)
        plain_key = await http.post(
            PATH, params={**signed(), "encrypt_type": "aes"}, content=pushed("x")
        )

    reply = xml.parse(ours.decrypt(xml.parse(answered.content)["Encrypt"]).encode())
    assert reply["Content"] == "您说：抚恤 ]]> 标准"
    assert foreign.status_code == 400
    assert plain_key.status_code == 403  # no msg_signature over an Encrypt field
    assert [inbound.text for inbound in echo.turns] == ["抚恤 ]]> 标准"]


def test_the_router_needs_the_token(echo: EchoHandler) -> None:
    with pytest.raises(ValueError, match="VETBOT_WECHAT_TOKEN"):
        make_wechat_router(echo, make_settings(), later=Outbox().enqueue)
