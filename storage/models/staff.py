"""Staff accounts, their console sessions, and the append-only audit log of what they did."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, get_args

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow

# A station's staff work its queue; its head also sees the stations below and may take over;
# an admin (the county bureau) sees everything.
Role = Literal["staff", "station_head", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)


class StaffMember(Base):
    """A person at a station who works its queue. Never deleted (the audit log names them);
    `active` false shuts them out."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64), default="")
    station_id: Mapped[str] = mapped_column(String(64))
    role: Mapped[Role] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)  # wrong passwords in a row
    locked_until: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StaffSession(Base):
    """One console login. Only a hash of the cookie's token is stored, so a copy of the database
    does not let anyone in; `csrf` is the token state-changing requests must echo."""

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class AuditEntry(Base):
    """Who did what, when. Rows are only ever added: the migration installs triggers that
    refuse UPDATE and DELETE on this table. `staff_id` null means the system (an escalation)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_ticket_id_id", "ticket_id", "id"),
        Index("ix_audit_log_action_at", "action", "at"),  # the reports (0011)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    staff_id: Mapped[int | None] = mapped_column()  # no foreign key: the log outlives anything
    username: Mapped[str] = mapped_column(String(64), default="")  # as it was at the time
    action: Mapped[str] = mapped_column(String(32))
    station_id: Mapped[str | None] = mapped_column(String(64), index=True)  # whose business
    ticket_id: Mapped[int | None] = mapped_column()
    subject: Mapped[str | None] = mapped_column(String(64))  # e.g. "request:12", "staff:3"
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
