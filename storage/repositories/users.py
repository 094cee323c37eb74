"""Users and their channel identities: who is talking, whichever channel they use."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from storage.models import Base, Identity, User
from storage.models.base import utcnow
from storage.repositories import core
from storage.repositories.upsert import insert_ignoring_conflict

_FIND = select(core.table(Identity).c.user_id).where(
    core.table(Identity).c.channel == bindparam("channel"),
    core.table(Identity).c.external_id == bindparam("external_id"),
)
_NEW_USER = insert(core.table(User)).returning(core.table(User).c.id)


class Users:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def find(self, channel: str, external_id: str) -> int | None:
        """The user known as `external_id` on `channel`, if any."""
        found = await core.scalar(
            self.session, _FIND, {"channel": channel, "external_id": external_id}
        )
        return None if found is None else int(found)

    async def identify(self, channel: str, external_id: str) -> int:
        """The user known as `external_id` on `channel`, created on first contact."""
        found = await self.find(channel, external_id)
        if found is not None:
            return found
        user_id = int(await core.scalar(self.session, _NEW_USER, {"created_at": utcnow()}))
        added = await insert_ignoring_conflict(
            self.session,
            Identity,
            {"user_id": user_id, "channel": channel, "external_id": external_id},
            ["channel", "external_id"],
        )
        if added:
            return user_id
        # Another process created this identity between our select and insert: use theirs.
        await self.session.execute(delete(User).where(User.id == user_id))
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

    async def lock_for_merge(self, absorbed: int, into: int) -> bool:
        """Lock two users before `merge`; False when either no longer exists.

        The user to delete is locked for update, the survivor only against deletion, so turns
        of the survivor (filing, booking) are not held up. Lowest id first: two merges crossing
        each other (A types B's code while B types A's) then queue on the same row, and the
        second finds its partner gone instead of each deleting a user the other moves rows to.
        """
        for user_id in sorted((absorbed, into)):
            statement = select(User.id).where(User.id == user_id)
            if user_id == absorbed:
                statement = statement.with_for_update()
            else:
                statement = statement.with_for_update(read=True, key_share=True)
            if await self.session.scalar(statement) is None:
                return False
        return True

    async def merge(self, absorbed: int, into: int) -> None:
        """Give everything of user `absorbed` (identities, conversations, requests, bookings,
        tickets, …) to user `into`, then delete `absorbed`. Call `lock_for_merge` first.

        What to move is read from the models, not listed here: every column referencing
        users.id. A table added later follows without anyone remembering this method, where a
        list that missed it would let ON DELETE CASCADE destroy its rows with the old user.
        """
        if absorbed == into:
            raise ValueError(f"cannot merge user {absorbed} into itself")
        for model, column in user_references():
            await self.session.execute(
                update(model).where(column == absorbed).values({column.key: into})
            )
        await self.session.execute(delete(User).where(User.id == absorbed))


def user_references() -> Iterator[tuple[type[Base], InstrumentedAttribute[int]]]:
    """(model, attribute) of every mapped column that is a foreign key to users.id."""
    users_id = core.table(User).c.id
    for mapper in sorted(Base.registry.mappers, key=lambda m: m.class_.__name__):
        for column in mapper.local_table.columns:
            if any(key.column is users_id for key in column.foreign_keys):
                attribute = getattr(mapper.class_, mapper.get_property_by_column(column).key)
                yield mapper.class_, attribute
