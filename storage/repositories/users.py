"""Users and their channel identities: who is talking, whichever channel they use."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Identity, User
from storage.repositories.upsert import insert_ignoring_conflict


class Users:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def find(self, channel: str, external_id: str) -> int | None:
        """The user known as `external_id` on `channel`, if any."""
        return await self.session.scalar(
            select(Identity.user_id).where(
                Identity.channel == channel, Identity.external_id == external_id
            )
        )

    async def identify(self, channel: str, external_id: str) -> int:
        """The user known as `external_id` on `channel`, created on first contact."""
        found = await self.find(channel, external_id)
        if found is not None:
            return found
        user = User()
        self.session.add(user)
        await self.session.flush()
        added = await insert_ignoring_conflict(
            self.session,
            Identity,
            {"user_id": user.id, "channel": channel, "external_id": external_id},
            ["channel", "external_id"],
        )
        if added:
            return user.id
        # Another process created this identity between our select and insert: use theirs.
        await self.session.execute(delete(User).where(User.id == user.id))
        winner = await self.find(channel, external_id)
        assert winner is not None, "identity vanished right after a conflicting insert"
        return winner

    async def link(self, user_id: int, channel: str, external_id: str) -> None:
        """Record that `user_id` is also `external_id` on `channel` (e.g. after proving a phone).

        An identity that already belongs to another user is moved: the newest proof wins.
        """
        current = await self.session.scalar(
            select(Identity).where(Identity.channel == channel, Identity.external_id == external_id)
        )
        if current is None:
            self.session.add(Identity(user_id=user_id, channel=channel, external_id=external_id))
        else:
            current.user_id = user_id
        await self.session.flush()

    async def identities(self, user_id: int) -> list[tuple[str, str]]:
        """Every (channel, external id) of one user, oldest first."""
        rows = await self.session.execute(
            select(Identity.channel, Identity.external_id)
            .where(Identity.user_id == user_id)
            .order_by(Identity.id)
        )
        return [(channel, external_id) for channel, external_id in rows.all()]
