"""Conversation state: open one (locked for this transaction), change it, save it.

The statements a turn runs on every message are built once, here and in `messages.py` /
`dedupe.py`, and run as SQLAlchemy Core on the session's connection (`turns.py` runs a turn's
reads in one call and its writes in another): the ORM's unit of work costs several times the
statement itself, and a turn is a handful of statements (`benchmarks/README.md`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Conversation
from storage.models.base import utcnow
from storage.repositories import core
from storage.repositories.upsert import insert_returning_unless_conflict
from storage.repositories.users import Users

_TABLE = core.table(Conversation)
_C = _TABLE.c
# The conversation of one (channel, chat, user) key, row-locked: FOR UPDATE on PostgreSQL;
# SQLite leaves it out (BEGIN IMMEDIATE has taken the whole database's write lock already).
STATE_COLUMNS = (
    _C.id,
    _C.user_id,
    _C.flow,
    _C.step,
    _C["values"],
    _C.options,
    _C.language,
    _C.station_id,
    _C.fallbacks,
)
KEY = (
    _C.channel == bindparam("channel"),
    _C.chat_id == bindparam("chat_id"),
    _C.external_user_id == bindparam("user"),
)
_LOCKED = select(*STATE_COLUMNS).where(*KEY).with_for_update(of=_TABLE)
_FIND = select(_C.id).where(*KEY)
# Every column a turn may change; the parameters are named after the columns.
_SAVE = update(_TABLE).where(_C.id == bindparam("conversation"))
# Turns of one conversation across processes (PostgreSQL): a transaction-level advisory lock on
# the conversation's key, whose waiters PostgreSQL queues in the order they asked. The two-key
# form keeps this space apart from the one-key locks (migrations take one of those).
_TURN_LOCKS = 0x7E7B07  # the first key: "turns of a conversation"
_LOCK = select(func.pg_advisory_xact_lock(_TURN_LOCKS, func.hashtext(bindparam("key"))))


@dataclass
class ConversationState:
    """Where one conversation stands. Plain data: the engine changes it, `save` writes it."""

    id: int
    user_id: int
    flow: str | None = None
    step: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    options: list[tuple[str, str]] = field(default_factory=list)  # (label, payload) last offered
    language: str = "zh"
    station_id: str | None = None
    fallbacks: int = 0  # "not sure" replies in a row

    def leave_flow(self) -> None:
        self.flow, self.step, self.values = None, None, {}


def key_params(channel: str, chat_id: str, external_user_id: str) -> dict[str, str]:
    return {"channel": channel, "chat_id": chat_id, "user": external_user_id}


def state_of(row: Sequence[Any]) -> ConversationState:
    """The state in a row that starts with `STATE_COLUMNS`."""
    return ConversationState(
        id=row[0],
        user_id=row[1],
        flow=row[2],
        step=row[3],
        values=dict(row[4] or {}),
        options=[(str(o[0]), str(o[1])) for o in row[5] or []],
        language=row[6],
        station_id=row[7],
        fallbacks=row[8],
    )


def lock_turns(connection: Connection, channel: str, chat_id: str, external_user_id: str) -> None:
    """Wait for, then hold until the transaction ends, the right to handle a turn of this
    conversation; in the order asked, across processes. A no-op on SQLite, where BEGIN
    IMMEDIATE has serialised whole transactions already and one process serves (the engine
    orders its turns)."""
    if connection.dialect.name == "postgresql":
        key = "\x1f".join((channel, chat_id, external_user_id))
        connection.execute(_LOCK, {"key": key})


def save_state(connection: Connection, state: ConversationState) -> bool:
    """Write `state`; False when there is no such conversation."""
    result = core.execute(connection, _SAVE, {"conversation": state.id, **saved(state)})
    return bool(result.rowcount)


def saved(state: ConversationState) -> dict[str, Any]:
    """What `save_state` writes of `state`, named after the columns."""
    return {
        "flow": state.flow,
        "step": state.step,
        "values": dict(state.values),
        "options": [list(option) for option in state.options],
        "language": state.language,
        "station_id": state.station_id,
        "fallbacks": state.fallbacks,
        "updated_at": utcnow(),
    }


class Conversations:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def open(self, channel: str, chat_id: str, external_user_id: str) -> ConversationState:
        """The state for this key, created on first contact, row-locked until the transaction ends.

        The row lock (FOR UPDATE on PostgreSQL; the whole-database write lock on SQLite) is what
        keeps two server processes from changing the same conversation at once.
        """
        params = key_params(channel, chat_id, external_user_id)
        row = await core.first(self.session, _LOCKED, params)
        if row is None:
            made = await self.create(channel, chat_id, external_user_id)
            if made is not None:
                return made
            row = await core.first(self.session, _LOCKED, params)
            assert row is not None, "conversation vanished right after it was inserted"
        return state_of(row)

    async def create(
        self, channel: str, chat_id: str, external_user_id: str
    ) -> ConversationState | None:
        """The conversation of this key, made on first contact: its state when this call made
        it (the row is this transaction's until it commits), None when it was there."""
        user_id = await Users(self.session).identify(channel, external_user_id)
        row = await insert_returning_unless_conflict(
            self.session,
            Conversation,
            {
                "channel": channel,
                "chat_id": chat_id,
                "external_user_id": external_user_id,
                "user_id": user_id,
                "values": {},
                "options": [],
            },
            ["channel", "chat_id", "external_user_id"],
            STATE_COLUMNS,
        )
        return None if row is None else state_of(row)

    async def find(self, channel: str, chat_id: str, external_user_id: str) -> int | None:
        """The id of this key's conversation, without creating or locking it."""
        params = key_params(channel, chat_id, external_user_id)
        found = await core.scalar(self.session, _FIND, params)
        return None if found is None else int(found)

    async def user_of(self, conversation_id: int) -> int | None:
        """The user a conversation belongs to now (merges move conversations between users)."""
        return await self.session.scalar(
            select(Conversation.user_id).where(Conversation.id == conversation_id)
        )

    async def offer(self, conversation_id: int, options: list[tuple[str, str]]) -> None:
        """Set the options a typed digit picks from, outside the conversation's own turn (a
        notice that asks a question). The UPDATE waits for a turn holding the row, then wins."""
        await self.session.execute(
            update(Conversation)
            .where(Conversation.id == conversation_id)
            .values(options=[list(option) for option in options], updated_at=utcnow())
        )

    async def save(self, state: ConversationState) -> None:
        if not await self.session.run_sync(lambda s: save_state(s.connection(), state)):
            raise LookupError(f"conversation {state.id} does not exist")
