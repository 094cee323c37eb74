"""Signed webhook requests seen lately: a (timestamp, nonce) pair is good for one body only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow


class WebhookNonce(Base):
    """One signed request's timestamp and nonce, and the hash of the body it came with. WeChat's
    plain-mode signature does not cover the body; remembering the pair (in the database, so
    every server process sees it) stops one captured URL from carrying a forged body."""

    __tablename__ = "webhook_nonces"

    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(160), primary_key=True)  # "<timestamp>:<nonce>"
    body_hash: Mapped[str] = mapped_column(String(64))
    seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
