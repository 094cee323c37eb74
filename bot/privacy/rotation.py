"""Re-sealing every stored ID number under a new data key, in batches, resumable, while the
server keeps running.

The procedure (README, "Rotating the data key"):

1. Every server gets the new secret in `VETBOT_DATA_KEY` and the old one in
   `VETBOT_DATA_KEY_PREVIOUS`, and is restarted one at a time: from then on new values are sealed
   under the new key, and values under either key open.
2. `vetbot privacy rotate-key` walks every table with sealed values in batches of rows, each
   batch one short transaction (rows locked on PostgreSQL, SQLite's writer lock otherwise), and
   re-seals what is still under another key. Its progress per table is kept in `key_rotations`,
   so a run stopped halfway goes on where it stopped.
3. At the end it counts what is still under another key (a server not yet restarted may have
   written some): none, and `VETBOT_DATA_KEY_PREVIOUS` may be removed; some, and it says so.

Keyed hashes made from the same secret change with it: a filing's `id_fingerprint` is made anew
with the value it fingerprints. Web chat cookies signed under the old key are signed anew when
their browser comes back while the old key is still set (bot/channels/web/identity.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Integer, String, Table, Text, cast, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.flows.request.proxy import ID_PURPOSE
from bot.privacy.sealing import SEALED, DataKey, is_sealed, sealed_under
from storage.database import Database
from storage.models import Base, KeyRotation
from storage.models.base import utcnow

BATCH = 200
# Columns holding a keyed hash of a sealed value beside it: (sealed column, hash column, purpose).
FINGERPRINTED = {"filed_for": ("id_number", "id_fingerprint", ID_PURPOSE)}
# Tables that never hold a sealed value (and the audit log, which cannot change).
_SKIPPED = frozenset({"audit_log", "key_rotations", "erasure_requests"})


@dataclass(frozen=True)
class Sealed:
    """A table that may hold sealed values: its row id and the columns to look in."""

    table: Table
    columns: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.table.name


@dataclass
class Progress:
    table: str
    resealed: int = 0
    rows: int = 0  # rows looked at in this run
    done: bool = False


def sealed_tables() -> list[Sealed]:
    """Tables with an integer `id` and text or JSON columns: where sealed values can be."""
    found = []
    for table in Base.metadata.sorted_tables:
        if table.name in _SKIPPED or "id" not in table.columns:
            continue
        if not isinstance(table.columns["id"].type, Integer):
            continue
        columns = tuple(
            c.name
            for c in table.columns
            if isinstance(c.type, Text | JSON)
            or (isinstance(c.type, String) and c.type.length is None)
        )
        if columns:
            found.append(Sealed(table, columns))
    return found


def _holding_sealed(entry: Sealed) -> Any:
    return or_(*(cast(entry.table.columns[c], String).like(f"%{SEALED}%") for c in entry.columns))


async def rotate(
    database: Database,
    key: DataKey,
    *,
    batch: int = BATCH,
    on_batch: Callable[[Progress], None] | None = None,
) -> list[Progress]:
    """Re-seal under `key` every value sealed under another (which `key.previous` opens)."""
    results = []
    for entry in sealed_tables():
        progress = Progress(entry.name)
        while not progress.done:
            async with database.transaction() as session:
                await _batch(session, entry, key, batch, progress)
            if on_batch is not None:
                on_batch(progress)
        results.append(progress)
    return results


async def _batch(
    session: AsyncSession, entry: Sealed, key: DataKey, size: int, progress: Progress
) -> None:
    mark = await session.get(KeyRotation, (key.key_id, entry.name))
    if mark is None:
        mark = KeyRotation(key_id=key.key_id, table_name=entry.name, last_id=0, resealed=0)
        session.add(mark)
        await session.flush()
    if mark.finished_at is not None:
        progress.done = True
        return
    table, row_id = entry.table, entry.table.columns["id"]
    statement = (
        select(row_id, *(table.columns[c] for c in entry.columns))
        .where(row_id > mark.last_id, _holding_sealed(entry))
        .order_by(row_id)
        .limit(size)
    )
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update()
    rows = list(await session.execute(statement))
    for row in rows:
        changes = {}
        for name, value in zip(entry.columns, row[1:], strict=True):
            resealed, count = _resealed(value, key)
            if count:
                changes[name] = resealed
                progress.resealed += count
                mark.resealed += count
        hashed = FINGERPRINTED.get(entry.name)
        if hashed is not None and hashed[0] in changes:
            sealed, column, purpose = hashed
            changes[column] = key.fingerprint(purpose, key.open(changes[sealed]))
        if changes:
            await session.execute(update(table).where(row_id == row[0]).values(changes))
    progress.rows += len(rows)
    if rows:
        mark.last_id = int(rows[-1][0])
    if len(rows) < size:
        mark.finished_at = utcnow()
        progress.done = True


def _resealed(value: Any, key: DataKey) -> tuple[Any, int]:
    """`value` with every sealed string under another key sealed anew under `key`."""
    if is_sealed(value):
        if sealed_under(value) == key.key_id:
            return value, 0
        return key.seal(key.open(value)), 1
    if isinstance(value, dict):
        count = 0
        out = {}
        for k, v in value.items():
            out[k], n = _resealed(v, key)
            count += n
        return out, count
    if isinstance(value, list):
        pairs = [_resealed(v, key) for v in value]
        return [v for v, _ in pairs], sum(n for _, n in pairs)
    return value, 0


async def left_over(database: Database, key: DataKey) -> dict[str, int]:
    """Per table, the sealed values still under another key than `key`."""
    found: dict[str, int] = {}
    for entry in sealed_tables():
        async with database.transaction() as session:
            statement = select(*(entry.table.columns[c] for c in entry.columns)).where(
                _holding_sealed(entry)
            )
            count = 0
            for row in await session.execute(statement):
                for value in row:
                    count += _other(value, key.key_id)
        if count:
            found[entry.name] = count
    return found


def _other(value: Any, key_id: str) -> int:
    if is_sealed(value):
        return int(sealed_under(value) != key_id)
    if isinstance(value, dict):
        return sum(_other(v, key_id) for v in value.values())
    if isinstance(value, list):
        return sum(_other(v, key_id) for v in value)
    return 0


async def restart(database: Database, key: DataKey) -> None:
    """Forget the progress under `key`: the next run looks at every row again (after servers
    still on the old key wrote behind it)."""
    async with database.transaction() as session:
        for mark in await session.scalars(
            select(KeyRotation).where(KeyRotation.key_id == key.key_id)
        ):
            await session.delete(mark)
