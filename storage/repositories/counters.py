"""Named counters: the next number in a sequence, safe when several processes file at once."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Counter
from storage.repositories.upsert import insert_ignoring_conflict


async def next_value(session: AsyncSession, name: str) -> int:
    """Count one more on `name` (created at 0 on first use) and return the new value.

    The UPDATE locks the counter's row until the transaction ends, so a concurrent filing waits
    and then counts on from our number; a rolled-back filing gives its number back. SELECT MAX
    over the requests would hand two concurrent filings the same number.
    """
    await insert_ignoring_conflict(session, Counter, {"name": name, "value": 0}, ["name"])
    value = await session.scalar(
        update(Counter)
        .where(Counter.name == name)
        .values(value=Counter.value + 1)
        .returning(Counter.value)
    )
    assert value is not None, f"counter {name!r} vanished right after it was created"
    return int(value)
