"""The channel hook: configured channels contribute routers, senders and start/stop steps."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import APIRouter
from pydantic import SecretStr

from bot.config import Settings
from bot.conversation.types import ConversationKey, Inbound, Outbound
from bot.web.app import create_app
from bot.web.channels import CHANNELS, ChannelHost, ChannelMount, EngineHandle, install_channels
from tests.bot.web.servers import serving


class Recorder:
    """A platform's sending side, as the outbox sees it."""

    channel = "fake"

    def __init__(self) -> None:
        self.sent: list[tuple[ConversationKey, list[Outbound]]] = []

    async def send(self, key: ConversationKey, replies: list[Outbound]) -> None:
        self.sent.append((key, replies))


def fake_channel(events: list[str], recorder: Recorder) -> ChannelMount:
    def install(host: ChannelHost) -> None:
        router = APIRouter()

        @router.post("/webhooks/fake")
        async def webhook(text: str) -> dict[str, str]:
            key = ConversationKey("fake", "chat", "user")
            replies = await host.handler.handle(Inbound(key, f"fake-{text}", text=text))
            await host.later(key, [Outbound("later")])
            return {"reply": replies[0].text}

        async def start() -> None:
            events.append("start")

        async def stop() -> None:
            events.append("stop")

        host.routers.append(router)
        host.senders[recorder.channel] = recorder
        host.on_start.append(start)
        host.on_stop.append(stop)

    return ChannelMount("fake", lambda settings: True, install)


async def test_a_configured_channel_is_mounted_started_served_and_stopped(
    settings: Settings,
) -> None:
    events: list[str] = []
    recorder = Recorder()
    app = create_app(settings, channels=(fake_channel(events, recorder),))
    async with serving(app) as url, httpx.AsyncClient(base_url=url) as client:
        assert events == ["start"]
        response = await client.post("/webhooks/fake", params={"text": "优待证怎么办理"})
        assert "测试答案" in response.json()["reply"]
        for _ in range(100):  # the outbox worker delivers the late reply through the sender
            if recorder.sent:
                break
            await asyncio.sleep(0.05)
    assert events == ["start", "stop"]
    assert recorder.sent == [(ConversationKey("fake", "chat", "user"), [Outbound("later")])]


def test_nothing_but_the_web_chat_without_tokens(settings: Settings) -> None:
    host = ChannelHost(handler=EngineHandle(), settings=settings, later=_never)
    assert install_channels(host) == [] and host.routers == []
    assert [channel.name for channel in CHANNELS] == ["telegram", "wechat"]
    with_tokens = Settings(telegram_token=SecretStr("123:abc"), wechat_token=SecretStr("token"))
    assert [c.name for c in CHANNELS if c.configured(with_tokens)] == ["telegram", "wechat"]


async def test_the_engine_handle_refuses_before_start_up(settings: Settings) -> None:
    with pytest.raises(RuntimeError, match="still starting"):
        await EngineHandle().handle(Inbound(ConversationKey("x", "y", "z"), "1", text="hi"))


async def _never(key: ConversationKey, replies: list[Outbound]) -> None:
    raise AssertionError("nothing should be queued")
