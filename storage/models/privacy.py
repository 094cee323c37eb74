"""A veteran's rights over their data: erasures waiting for a second admin, and data key
rotations in progress."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, get_args

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow

ErasureState = Literal["pending", "done", "cancelled"]
ERASURE_STATES: tuple[ErasureState, ...] = get_args(ErasureState)


class ErasureRequest(Base):
    """An admin asked to erase one person; another admin confirms it (or it is cancelled).

    `named` is how the person was named, a phone masked (`phone:139****5678`); `target` the same
    in full, sealed under the data key, to find them again when it is confirmed (emptied once
    decided); `reason` is why, masked. `user_id` is the user found when it was asked (none for
    a veteran known only from filings others made for them). After the erasure `rows` says how
    many rows of each table were cleared: never what.
    """

    __tablename__ = "erasure_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A merge of two users moves it with the rest (`Users.merge` follows the foreign keys).
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    named: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[ErasureState] = mapped_column(String(16), default="pending")
    asked_by: Mapped[int] = mapped_column()  # staff ids: no foreign key, like the audit log
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[int | None] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column()
    rows: Mapped[dict[str, Any]] = mapped_column(default=dict)


class KeyRotation(Base):
    """One table's progress re-sealing its values under the data key `key_id`: the last row id
    done, so an interrupted rotation goes on from there."""

    __tablename__ = "key_rotations"

    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_id: Mapped[int] = mapped_column(default=0)
    resealed: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()
