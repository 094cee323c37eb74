"""Webhook nonces: a signed request's (timestamp, nonce) is good for one body only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import WebhookNonce
from storage.models.base import utcnow
from storage.repositories.upsert import insert_ignoring_conflict


class Nonces:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def first_use(
        self, channel: str, nonce: str, body_hash: str, now: datetime | None = None
    ) -> bool:
        """Remember `nonce` with the hash of the body it signed; False when it signed another
        body before (a replay with a forged body). The same body again is a platform's retry,
        which the engine's dedupe answers."""
        values = {"channel": channel, "nonce": nonce, "body_hash": body_hash}
        if await insert_ignoring_conflict(
            self.session, WebhookNonce, {**values, "seen_at": now or utcnow()}, ["channel", "nonce"]
        ):
            return True
        seen = await self.session.scalar(
            select(WebhookNonce.body_hash).where(
                WebhookNonce.channel == channel, WebhookNonce.nonce == nonce
            )
        )
        return seen == body_hash

    async def prune(self, before: datetime) -> int:
        """Forget nonces seen before `before` (older requests are refused by their timestamp)."""
        result = await self.session.execute(
            delete(WebhookNonce).where(WebhookNonce.seen_at < before)
        )
        return int(getattr(result, "rowcount", 0) or 0)
