"""Erasing one person (个人信息保护法 deletion): what names or describes them goes; the counts
the bureau reports stay.

Every holding (bot/privacy/holdings.py) is cleared for the person in one transaction: identities,
dedupe keys, link codes and queued messages deleted; on every other row (conversations and their
messages, requests and their history, bookings, tickets) the texts emptied and the kind, station,
state and times kept, so a request of type X filed at station Y on day Z still counts. Their rate
counts go too. Then their phone and ID numbers are swept from every other row that holds them
(a family member's messages and the summaries of what they filed for them, queued notices):
replaced by the masked form (139****5678), as anywhere else they are shown. The audit log
records the erasure (who, why, how many rows), never what was erased.

Then `scrub` makes the database files forget: SQLite keeps deleted and overwritten values in
free pages and in the WAL until they are reused, so it rebuilds the file (VACUUM) and empties
the WAL (checkpoint TRUNCATE); PostgreSQL's dead row versions are vacuumed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, String, Text, cast, delete, func, literal, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation.limits import PURPOSE as RATE_PURPOSE
from bot.conversation.types import ConversationKey
from bot.privacy.holdings import Holding, holdings
from bot.privacy.masking import mask, mask_id_number, mask_phone
from bot.privacy.people import Actor, Named, Person, Scope, scope
from bot.privacy.sealing import DataKey, PersonalDataUnreadable, is_sealed
from storage.database import Database
from storage.models import (
    Booking,
    Conversation,
    DedupeKey,
    FiledFor,
    LoggedMessage,
    OutboxMessage,
    RateCount,
    ServiceRequest,
)
from storage.models.base import utcnow
from storage.repositories.audit import AuditLog

log = logging.getLogger(__name__)
# Where a person's own phone and ID numbers are, to sweep them from everyone else's rows.
_FORMS = {
    "requests": ("answers",),
    "conversations": ("values",),
    "filed_for": ("phone", "id_number"),
}
_PHONE = re.compile(r"^1[3-9][0-9]{9}$")
_ID = re.compile(r"^[0-9]{17}[0-9Xx]$|^[0-9]{15}$")


@dataclass(frozen=True)
class Erased:
    person: Person
    rows: dict[str, int] = field(default_factory=dict)  # per table: rows deleted or cleared

    @property
    def user_id(self) -> int | None:
        return self.person.user_id

    @property
    def total(self) -> int:
        return sum(self.rows.values())


async def erase(
    session: AsyncSession,
    key: DataKey,
    person: Person,
    who: Named,
    actor: Actor,
    reason: str,
    *,
    asked_by: Actor | None = None,
) -> Erased:
    """Erase `person` in this transaction; audited as `actor`'s (who confirmed it, when
    `asked_by` asked for it). Run `scrub` after it commits."""
    found = await scope(session, person)
    strong = await _strong_values(session, key, found, who)
    named = await _filers_rows(session, found)  # before their links are cleared
    rows: dict[str, int] = {}
    for holding in holdings():
        changed = await _clear(session, holding, found.where(holding))
        if changed:
            rows[holding.name] = changed
    rates = [
        key.fingerprint(RATE_PURPOSE, f"identity:{ConversationKey(*parts)}") for parts in found.keys
    ]
    if rates:
        result = await session.execute(delete(RateCount).where(RateCount.subject.in_(rates)))
        if count := _count(result):
            rows["rate_counts"] = count
    swept = await _sweep(session, strong) + await _sweep_names(session, named)
    if swept:
        rows["elsewhere"] = swept
    detail: dict[str, Any] = {"reason": mask(reason), "named": who.shown(), "rows": rows}
    if asked_by is not None:
        detail["asked_by"] = asked_by.username
    await AuditLog(session).add(
        "privacy_erase",
        staff_id=actor.staff_id,
        username=actor.username,
        subject=person.subject,
        detail=detail,
        at=utcnow(),
    )
    log.info("erased %s: %s", person.subject, rows)
    return Erased(person, rows)


async def _strong_values(
    session: AsyncSession, key: DataKey, found: Scope, who: Named
) -> dict[str, str]:
    """The person's phone numbers and ID numbers in the clear, each with its masked form: what
    is swept from rows that are not theirs. Read from their forms and the filings for them."""
    texts: list[Any] = [who.value] if who.by == "phone" else []
    for holding in holdings():
        if holding.name not in _FORMS:
            continue
        columns = [holding.table.columns[c] for c in _FORMS[holding.name]]
        statement = select(*columns).where(found.where(holding))
        texts.extend(value for row in await session.execute(statement) for value in row)
    strong: dict[str, str] = {}
    for value in _strings(texts):
        clear = _opened(key, value)
        if _PHONE.match(clear):
            strong[clear] = mask_phone(clear)
        elif _ID.match(clear):
            strong[clear] = mask_id_number(clear.upper())
    return strong


def _strings(values: list[Any]) -> list[str]:
    found: list[str] = []
    for value in values:
        if isinstance(value, str):
            found.append(value.strip())
        elif isinstance(value, dict):
            found.extend(_strings(list(value.values())))
        elif isinstance(value, list):
            found.extend(_strings(value))
    return found


def _opened(key: DataKey, value: str) -> str:
    if not is_sealed(value):
        return value
    try:
        return key.open(value)
    except PersonalDataUnreadable:
        return ""


@dataclass(frozen=True)
class _Named:
    """A veteran's names on the rows of those who filed for them (the summaries and notices
    the filer got name the veteran), and where those rows are."""

    names: tuple[str, ...] = ()
    conversations: tuple[int, ...] = ()
    keys: tuple[tuple[str, str, str], ...] = ()


async def _filers_rows(session: AsyncSession, found: Scope) -> _Named:
    if not found.filed_for:
        return _Named()
    filed = FiledFor.__table__
    names = tuple(
        name
        for name in await session.scalars(
            select(filed.c.name).where(filed.c.id.in_(found.filed_for))
        )
        if name
    )
    keys: set[tuple[str, str, str]] = set()
    for model, link in ((ServiceRequest, filed.c.request_id), (Booking, filed.c.booking_id)):
        rows = await session.execute(
            select(model.channel, model.chat_id, model.external_user_id).where(
                model.id.in_(select(link).where(filed.c.id.in_(found.filed_for)))
            )
        )
        keys |= {(row[0], row[1], row[2]) for row in rows}
    conversations: list[int] = []
    for channel, chat_id, user in keys:
        conversations += await session.scalars(
            select(Conversation.id).where(
                Conversation.channel == channel,
                Conversation.chat_id == chat_id,
                Conversation.external_user_id == user,
            )
        )
    return _Named(names, tuple(conversations), tuple(keys))


async def _sweep_names(session: AsyncSession, named: _Named) -> int:
    """The veteran's name replaced by ** in the filer's messages, replies kept for redelivery
    and queued notices (as text, and as JSON writes Chinese: \\uXXXX)."""
    changed = 0
    postgres = session.get_bind().dialect.name == "postgresql"
    places: list[tuple[Any, Any, Any]] = []
    if named.conversations:
        ids = named.conversations
        places.append(
            (LoggedMessage.__table__, LoggedMessage.text, LoggedMessage.conversation_id.in_(ids))
        )
        places.append((DedupeKey.__table__, DedupeKey.replies, DedupeKey.conversation_id.in_(ids)))
    if named.keys:
        key = tuple_(OutboxMessage.channel, OutboxMessage.chat_id, OutboxMessage.external_user_id)
        places.append((OutboxMessage.__table__, OutboxMessage.payload, key.in_(named.keys)))
    for name in named.names:
        for table, column, where in places:
            is_json = isinstance(column.type, JSON)
            text = cast(column, Text) if is_json else column
            written = json.dumps(name)[1:-1] if is_json else name
            replaced: Any = func.replace(text, written, "**")
            if is_json and postgres:
                replaced = cast(replaced, column.type)
            statement = (
                update(table)
                .where(where, text.contains(written, autoescape=True))
                .values({column.name: replaced})
            )
            changed += _count(await session.execute(statement))
    return changed


async def _sweep(session: AsyncSession, strong: dict[str, str]) -> int:
    """Every text and JSON column of every holding: `strong` values replaced by their masks."""
    changed = 0
    postgres = session.get_bind().dialect.name == "postgresql"
    for holding in holdings():
        for column in holding.table.columns:
            if column.primary_key or not isinstance(column.type, String | Text | JSON):
                continue
            for clear, masked in strong.items():
                text = cast(column, Text) if isinstance(column.type, JSON) else column
                replaced: Any = func.replace(text, clear, masked)
                if isinstance(column.type, JSON) and postgres:
                    replaced = cast(replaced, column.type)
                statement = (
                    update(holding.table)
                    .where(text.contains(clear, autoescape=True))
                    .values({column.name: replaced})
                )
                changed += _count(await session.execute(statement))
    return changed


async def _clear(session: AsyncSession, holding: Holding, where: Any) -> int:
    table = holding.table
    if holding.delete:
        return _count(await session.execute(delete(table).where(where)))
    columns = holding.cleared()
    if not columns:
        return 0
    values: dict[str, Any] = {}
    for column in columns:
        emptied = holding.emptied(column, 0)
        if isinstance(emptied, str) and emptied:  # unique: `erased:<the row's id>`
            emptied = literal("erased:") + cast(table.columns["id"], String)
        values[column.name] = emptied
    return _count(await session.execute(update(table).where(where).values(values)))


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


async def scrub(database: Database) -> None:
    """Make the files forget erased values: SQLite rebuilt and its WAL emptied; PostgreSQL's
    tables vacuumed (backups and WAL archives are the operator's to expire)."""
    if database.sqlite:
        path = database.engine.url.database
        if path and path != ":memory:":
            async with database._writer():  # none of our own writes in between
                await asyncio.to_thread(_scrub_sqlite, Path(path))
        return
    names = [holding.name for holding in holdings()]
    connection = await database.engine.connect()
    try:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        for name in names:
            await autocommit.exec_driver_sql(f'VACUUM "{name}"')
    finally:
        await connection.close()


def _scrub_sqlite(path: Path) -> None:
    """VACUUM writes every live page anew (free pages and freed cells holding old values are
    gone); the TRUNCATE checkpoint then copies it into the file and empties the WAL."""
    connection = sqlite3.connect(path, isolation_level=None, timeout=30)
    try:
        connection.execute("PRAGMA secure_delete=ON")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("VACUUM")
        for _ in range(50):
            busy, _pages, _done = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                return
            time.sleep(0.1)  # a reader still on an old snapshot: let it finish
        log.warning("the WAL of %s could not be emptied: readers kept it busy", path)
    finally:
        connection.close()
