"""One-time codes that link a second channel to a user's record, and the wrong guesses at them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow


class LinkCode(Base):
    """A code the bot gave a user; typed on another channel, it joins that channel's identity
    to this user. Only a keyed hash of the code is stored: whoever holds a live code can
    reach this user's requests, so a copy of the database must not show one.

    `conversation_id` is where the code was asked for: that side is asked to allow the merge
    when the code is typed elsewhere, and only its yes merges.
    """

    __tablename__ = "link_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    # The conversation that typed the code, waiting for the issuing side to allow the merge.
    claimed_by: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL")
    )
    # Wrong codes typed anywhere while this one was live: a guesser gets a few tries at it in
    # all, not a few per conversation they invent.
    wrong: Mapped[int] = mapped_column(default=0)


class LinkAttempts(Base):
    """Wrong codes typed in one conversation: a million codes are few, so guessing is capped."""

    __tablename__ = "link_attempts"

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    failures: Mapped[int] = mapped_column(default=0)  # wrong codes since the last lockout
    locked_until: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
