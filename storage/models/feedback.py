"""Veterans' verdicts on answers, and the questions that did not end in a good answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, get_args

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow

# Why a question is in the admin's inbox: understanding was not sure (`fallback`), declined it as
# another office's matter (`out_of_scope`), asked which entry was meant and got no pick
# (`clarify`), the veteran said the answer did not help (`not_helpful`), or a staff member
# answered the handed-over question with a knowledge-base entry (`staff_answered`).
MissKind = Literal["fallback", "out_of_scope", "clarify", "not_helpful", "staff_answered"]
MISS_KINDS: tuple[MissKind, ...] = get_args(MissKind)
# What the admin decided about a cluster of questions: another office's matter on purpose
# (`not_ours`), or fixed in the knowledge base (`done`); "" is not decided yet.
Mark = Literal["", "not_ours", "done"]
MARKS: tuple[Mark, ...] = get_args(Mark)


class AnswerFeedback(Base):
    """One policy answer served, and what the veteran said of it (有帮助 / 没帮助).

    `helpful` is None until they say; `question` is what they asked, masked ("" when the answer
    was picked from a menu); `kb_version` is the knowledge base's fingerprint when it answered.
    """

    __tablename__ = "feedback"
    __table_args__ = (
        Index("ix_feedback_entry_id_created_at", "entry_id", "created_at"),
        Index("ix_feedback_conversation_id_id", "conversation_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL")
    )
    entry_id: Mapped[str] = mapped_column(String(128))
    question: Mapped[str] = mapped_column(Text, default="")
    kb_version: Mapped[str] = mapped_column(String(32), default="")
    station_id: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(32), default="")
    language: Mapped[str] = mapped_column(String(8), default="zh")
    helpful: Mapped[bool | None] = mapped_column()
    reason: Mapped[str] = mapped_column(Text, default="")  # what was missing, masked
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    rated_at: Mapped[datetime | None] = mapped_column()


class Unanswered(Base):
    """One question that did not end in a good answer, for the admin's inbox.

    `candidates` are the entries understanding weighed, best first, as [entry id, score];
    `entry_id` is the entry answered (`not_helpful`), the one staff sent (`staff_answered`,
    the likely right answer) or the one picked after a clarification (`picked` true: then it
    was answered after all). `mark` is the admin's decision about the cluster it was in.
    """

    __tablename__ = "unanswered"
    __table_args__ = (
        Index("ix_unanswered_created_at", "created_at"),
        Index("ix_unanswered_conversation_id_id", "conversation_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL")
    )
    kind: Mapped[MissKind] = mapped_column(String(16))
    question: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="zh")
    candidates: Mapped[list[Any]] = mapped_column(default=list)
    entry_id: Mapped[str | None] = mapped_column(String(128))
    picked: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    station_id: Mapped[str | None] = mapped_column(String(64))
    kb_version: Mapped[str] = mapped_column(String(32), default="")
    mark: Mapped[Mark] = mapped_column(String(16), default="")
    marked_at: Mapped[datetime | None] = mapped_column()
    marked_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
