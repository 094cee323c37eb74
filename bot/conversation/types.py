"""The conversation's own words: inbound and outbound messages, options and the conversation key.

Channels translate their platform's updates into these at the edge; nothing here knows a platform.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class ConversationKey:
    """Who is talking where. Built in one place; names the lock, the state row and dedupe keys.

    There is no default user: every field must be a non-empty string (Rasa #7941).
    """

    channel: str
    chat_id: str
    user_id: str

    def __post_init__(self) -> None:
        for name in ("channel", "chat_id", "user_id"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(
                    f"ConversationKey.{name} must be a non-empty string, got {value!r}"
                )

    def __str__(self) -> str:
        return f"{self.channel}:{self.chat_id}:{self.user_id}"


@dataclass(frozen=True, slots=True)
class Contact:
    """A phone number shared through the platform (Telegram's contact button)."""

    phone: str
    user_id: str | None = None  # whose contact it is, when the platform says


@dataclass(frozen=True, slots=True)
class Inbound:
    """One message from a user, whatever platform it came from."""

    key: ConversationKey
    message_id: str
    text: str | None = None
    payload: str | None = None  # the payload of a picked option (button)
    contact: Contact | None = None
    location: tuple[float, float] | None = None
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    # The client's network address where the channel sees one (the web chat), so rate limits
    # count it too; None for platforms and for integrations speaking for their users.
    address: str | None = None

    @property
    def channel(self) -> str:
        return self.key.channel


@dataclass(frozen=True, slots=True)
class Option:
    """A choice offered with a reply: a button, or a numbered line where buttons are missing."""

    label: str
    payload: str


@dataclass(frozen=True, slots=True)
class Outbound:
    """One reply: text plus optional options. Each adapter renders it its own way."""

    text: str
    options: tuple[Option, ...] = ()
    request_contact: bool = False  # ask the platform for the user's phone (Telegram button)


class Handler(Protocol):
    """What every channel adapter calls: the engine's `handle`."""

    async def handle(self, inbound: Inbound) -> list[Outbound]: ...


class PushHandler(Handler, Protocol):
    """What channels that send the replies themselves call (Telegram; WeChat for replies that
    missed its passive answer), so that a message redelivered after its replies went out is
    not answered twice, and one whose replies never went out is answered once."""

    async def to_send(self, inbound: Inbound) -> list[Outbound]:
        """The replies to send: the turn's, or a redelivery's not yet delivered (none once
        `sent` recorded them)."""
        ...

    async def sent(self, inbound: Inbound) -> None:
        """Record that the replies to `inbound` reached the platform."""
        ...
