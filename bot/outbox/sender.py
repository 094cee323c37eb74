"""The outbound half of a channel, as the outbox worker uses it."""

from __future__ import annotations

from typing import Protocol

from bot.conversation.types import ConversationKey, Outbound


class DeliveryError(Exception):
    """Sending to a platform failed. `retry_after` (seconds) when the platform asked to wait;
    `permanent` when retrying cannot help (user blocked the bot, window closed)."""

    def __init__(self, message: str, *, retry_after: float | None = None, permanent: bool = False):
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent


class Sender(Protocol):
    """The outbound half of a channel, used by the outbox worker for anything sent later
    (staff replies, reminders, status changes). Raises `DeliveryError` on failure."""

    channel: str

    async def send(self, key: ConversationKey, replies: list[Outbound]) -> None: ...
