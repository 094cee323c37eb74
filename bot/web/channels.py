"""Messaging channels the server mounts when they are configured.

Each entry in `CHANNELS` says when its channel is on and how to install it; the adapter module
is imported only then (Telegram needs the optional `telegram` extra). Installing gives the
adapter a `ChannelHost`: the engine to call, the settings, and places for its webhook router,
its outbox `Sender`, and its start and stop steps. A new channel adds one entry here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from fastapi import APIRouter

from bot.channels.replays import REMEMBER_NONCES, FirstUse, RememberedNonces
from bot.config import Settings
from bot.conversation.types import Inbound, Outbound, PushHandler
from bot.coordination import Coordination, in_process
from bot.messages import LANGUAGES, catalogue
from bot.outbox.sender import Sender
from bot.outbox.worker import Enqueue
from bot.staff.alerts.answers import StaffChatHandle

Step = Callable[[], Awaitable[None]]


class EngineHandle:
    """The engine as channels see it. Routers are built with the app, the engine only when the
    app starts (after migrations and the knowledge base), so adapters get this handle."""

    def __init__(self) -> None:
        self._handler: PushHandler | None = None

    def bind(self, handler: PushHandler) -> None:
        self._handler = handler

    async def handle(self, inbound: Inbound) -> list[Outbound]:
        return await self._engine().handle(inbound)

    async def to_send(self, inbound: Inbound) -> list[Outbound]:
        return await self._engine().to_send(inbound)

    async def sent(self, inbound: Inbound) -> None:
        await self._engine().sent(inbound)

    def _engine(self) -> PushHandler:
        if self._handler is None:
            raise RuntimeError("the engine is not running yet (the server is still starting)")
        return self._handler


@dataclass
class ChannelHost:
    handler: PushHandler
    settings: Settings
    later: Enqueue  # queue replies in the outbox (delivered by the channel's Sender, retried)
    routers: list[APIRouter] = field(default_factory=list)
    senders: dict[str, Sender] = field(default_factory=dict)
    on_start: list[Step] = field(default_factory=list)
    on_stop: list[Step] = field(default_factory=list)
    # Signed webhook requests seen before: the server's are in the database; a host without
    # one remembers them in this process.
    first_use: FirstUse = field(default_factory=lambda: RememberedNonces(keep=REMEMBER_NONCES))
    # What the server's processes share (`bot.coordination`); a host without it, this process.
    coordination: Coordination = field(default_factory=in_process)
    # Staff chats (Telegram groups where alerts go), answered once the server has started.
    staff_chats: StaffChatHandle = field(default_factory=StaffChatHandle)


@dataclass(frozen=True)
class ChannelMount:
    name: str
    configured: Callable[[Settings], bool]
    install: Callable[[ChannelHost], None]


def _telegram(host: ChannelHost) -> None:
    from bot.channels.telegram.channel import TelegramChannel
    from bot.channels.telegram.client import TelegramClient
    from bot.channels.telegram.limits import RateLimiter
    from bot.channels.telegram.staffchat import TelegramStaffChat, TelegramStaffSender

    client = TelegramClient.from_settings(
        host.settings,
        contact_label=contact_button_label(),
        limiter=RateLimiter(slots=host.coordination.slots),
    )
    client.groups = TelegramStaffChat(client, host.staff_chats)
    telegram = TelegramChannel(host.handler, host.settings, client=client)
    staff_sender = TelegramStaffSender(client, slots=host.coordination.slots)
    host.senders[staff_sender.channel] = staff_sender
    host.routers.append(telegram.router)
    host.senders[telegram.sender.channel] = telegram.sender
    host.on_start.append(telegram.start)
    host.on_stop.append(telegram.stop)


def contact_button_label() -> str:
    """The share-my-phone button's label. Telegram shows one keyboard label whatever the
    user's language, so it carries every language's words."""
    return " ".join(catalogue().text(lang, "form.share_phone") for lang in LANGUAGES)


def _wechat(host: ChannelHost) -> None:
    from bot.channels.wechat.router import make_wechat_router
    from bot.channels.wechat.sender import WeChatSender

    sender = WeChatSender(host.settings, shelf=host.coordination.shelf)
    host.routers.append(
        make_wechat_router(
            host.handler,
            host.settings,
            host.later,
            first_use=host.first_use,
            flights=host.coordination.flights,
        )
    )
    host.senders[sender.channel] = sender
    host.on_stop.append(sender.close)


CHANNELS: tuple[ChannelMount, ...] = (
    ChannelMount("telegram", lambda s: bool(s.telegram_token.get_secret_value()), _telegram),
    ChannelMount("wechat", lambda s: bool(s.wechat_token.get_secret_value()), _wechat),
)


def install_channels(host: ChannelHost, channels: tuple[ChannelMount, ...] = CHANNELS) -> list[str]:
    """Install every configured channel into `host`; the names installed."""
    installed = []
    for channel in channels:
        if channel.configured(host.settings):
            channel.install(host)
            installed.append(channel.name)
    return installed
