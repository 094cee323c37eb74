"""Conversation state, the message log and the dedupe keys: what one chat remembers."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, get_args

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow

Direction = Literal["in", "out"]  # a message from the user, or to them
DIRECTIONS: tuple[Direction, ...] = get_args(Direction)


class Conversation(Base):
    """One (channel, chat, user) key and where that conversation stands.

    `flow`/`step`/`values` belong to the flow in progress (request form, booking, …);
    `options` are the choices last offered, so a bare digit can pick one after a restart.
    """

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("channel", "chat_id", "external_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(128))
    external_user_id: Mapped[str] = mapped_column(String(128))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    flow: Mapped[str | None] = mapped_column(String(64))
    step: Mapped[str | None] = mapped_column(String(64))
    values: Mapped[dict[str, Any]] = mapped_column(default=dict)
    options: Mapped[list[Any]] = mapped_column(default=list)
    language: Mapped[str] = mapped_column(String(8), default="zh")
    station_id: Mapped[str | None] = mapped_column(String(64))
    fallbacks: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class LoggedMessage(Base):
    """One message in or out, in order: what staff read and what the web chat shows on reload."""

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_conversation_id_id", "conversation_id", "id"),
        # The reports (0011): every column they count by, so a period is read from the index.
        Index(
            "ix_messages_report",
            "created_at",
            "direction",
            "outcome",
            "conversation_id",
            "entry_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    direction: Mapped[Direction] = mapped_column(String(3))
    text: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[str | None] = mapped_column(String(256))
    options: Mapped[list[Any]] = mapped_column(default=list)
    outcome: Mapped[str | None] = mapped_column(String(32))
    entry_id: Mapped[str | None] = mapped_column(String(128))  # the KB entry a question got
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DedupeKey(Base):
    """A handled inbound message and the replies it got, so a redelivery gets the same ones."""

    __tablename__ = "dedupe_keys"

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    message_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    replies: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # When the replies reached the platform, for channels that send them themselves (Telegram,
    # WeChat's late replies): a redelivery after that is not answered a second time.
    delivered_at: Mapped[datetime | None] = mapped_column()
