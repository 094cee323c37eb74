"""Rate counts: how often one subject (an identity, a network address) did one thing lately."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class RateCount(Base):
    """One subject's count of one action in one fixed window (`window` = the window's number
    since the epoch). In the database, so every server process counts the same hits.

    `subject` is a keyed hash made by the application: the table names no address and no id.
    """

    __tablename__ = "rate_counts"

    action: Mapped[str] = mapped_column(String(32), primary_key=True)
    subject: Mapped[str] = mapped_column(String(64), primary_key=True)
    window: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    hits: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime] = mapped_column(index=True)  # the window's end: then pruned
