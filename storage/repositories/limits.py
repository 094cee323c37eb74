"""Rate counts: count one more hit of an action by a subject in the current fixed window.

The subjects arrive already hashed (keyed by the application), as link codes do.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Executable, bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import RateCount
from storage.repositories import core
from storage.repositories.upsert import insert_for

_COUNTING: dict[str, Executable] = {}  # the counting upsert, built once per database kind


class RateCounts:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def hit(self, action: str, subject: str, window: timedelta, now: datetime) -> int:
        """Count one hit of `action` by `subject`; the hits in this window, this one included.

        One statement (INSERT … ON CONFLICT DO UPDATE … RETURNING): two processes counting
        the same subject at once both count, and the row stays locked until the caller's
        transaction ends, so a rolled-back turn takes its hit back.
        """
        seconds = window.total_seconds()
        number = int(now.timestamp() // seconds)
        params = {
            "action": action,
            "subject": subject,
            "window": number,
            "expires_at": datetime.fromtimestamp((number + 1) * seconds, now.tzinfo),
        }
        hits = await core.scalar(self.session, _counting(self.session), params)
        assert hits is not None, "the rate count upsert returned no row"
        return int(hits)

    async def count(self, action: str, subject: str, window: timedelta, now: datetime) -> int:
        """The hits of `action` by `subject` in the current window, without counting one."""
        number = int(now.timestamp() // window.total_seconds())
        hits = await self.session.scalar(
            select(RateCount.hits).where(
                RateCount.action == action,
                RateCount.subject == subject,
                RateCount.window == number,
            )
        )
        return int(hits or 0)

    async def forget(self, action: str, subject_prefix: str) -> None:
        """Drop the counts of `action` by every subject starting with `subject_prefix` (a staff
        login that succeeded, or was unlocked, starts from nothing)."""
        await self.session.execute(
            delete(RateCount).where(
                RateCount.action == action, RateCount.subject.startswith(subject_prefix)
            )
        )

    async def prune(self, now: datetime) -> int:
        """Drop the counts of windows that have ended; how many were dropped."""
        result = await self.session.execute(delete(RateCount).where(RateCount.expires_at <= now))
        return int(getattr(result, "rowcount", 0) or 0)


def _counting(session: AsyncSession) -> Executable:
    """The upsert `hit` runs, in the ON CONFLICT form of the session's database."""
    dialect = session.get_bind().dialect.name
    statement = _COUNTING.get(dialect)
    if statement is None:
        values = insert_for(session, core.table(RateCount)).values(
            action=bindparam("action"),
            subject=bindparam("subject"),
            window=bindparam("window"),
            hits=1,
            expires_at=bindparam("expires_at"),
        )
        statement = values.on_conflict_do_update(
            index_elements=["action", "subject", "window"],
            set_={"hits": core.table(RateCount).c.hits + 1},
        ).returning(RateCount.hits)
        _COUNTING[dialect] = statement
    return statement
