"""Staff alerts: which alerts went out (so no process sends one twice), and the Telegram accounts
staff linked to answer from a station's staff chat."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow


class AlertMark(Base):
    """One alert sent (queued in the outbox): `key` names it, e.g. `new:12`, `warn:12:0:…`,
    `digest:tongshi:2026-12-02`. Inserting the key decides which process sends it."""

    __tablename__ = "alert_marks"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class StaffTelegram(Base):
    """A staff member's Telegram account, linked with a one-time code from the console: only a
    linked account may claim or answer a ticket from a staff chat."""

    __tablename__ = "staff_telegram"

    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True
    )
    telegram_user_id: Mapped[str] = mapped_column(String(32), unique=True)
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)


class StaffTelegramCode(Base):
    """A live code a staff member got in the console, to type in the staff chat. Only a keyed
    hash is stored, as for the users' link codes."""

    __tablename__ = "staff_telegram_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), unique=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
