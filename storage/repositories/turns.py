"""A turn's own statements, run together: what the engine reads as a message arrives, and
what it writes as the turn ends, each in one call on the session's connection.

    begin   (PostgreSQL: the conversation's turn lock) → its row, row-locked, joined with the
            dedupe key of this message: the state, and the replies if it was handled before;
            on first contact the row as inserted (RETURNING), no second read
    end     the message and its replies into the log → the state → the dedupe key; on
            PostgreSQL in one statement (one round trip), the INSERTs WITH the UPDATE

Handlers change other tables through the same session, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BindParameter,
    Connection,
    Executable,
    Table,
    and_,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Conversation, DedupeKey, LoggedMessage
from storage.repositories import core, dedupe, messages
from storage.repositories.conversations import (
    KEY,
    STATE_COLUMNS,
    Conversations,
    ConversationState,
    key_params,
    lock_turns,
    save_state,
    saved,
    state_of,
)
from storage.repositories.dedupe import Handled
from storage.repositories.messages import Logged

_CONVERSATIONS = core.table(Conversation)
_KEYS = core.table(DedupeKey)
_WITH_KEY = (
    select(*STATE_COLUMNS, _KEYS.c.message_id, _KEYS.c.replies, _KEYS.c.delivered_at)
    .select_from(
        _CONVERSATIONS.outerjoin(
            _KEYS,
            and_(
                _KEYS.c.conversation_id == _CONVERSATIONS.c.id,
                _KEYS.c.message_id == bindparam("message_id"),
            ),
        )
    )
    .where(*KEY)
    .with_for_update(of=_CONVERSATIONS)
)
_AFTER = len(STATE_COLUMNS)  # where the dedupe key's columns start in a row of `_WITH_KEY`


class Turns:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def begin(
        self, channel: str, chat_id: str, external_user_id: str, message_id: str
    ) -> tuple[ConversationState, Handled | None]:
        """The conversation (created on first contact), locked for this turn, and what became
        of `message_id` if it was handled before."""
        params = {**key_params(channel, chat_id, external_user_id), "message_id": message_id}
        found = await self.session.run_sync(lambda s: _begin(s.connection(), params))
        if found is None:  # first contact: rare, so the plain repository way
            made = await Conversations(self.session).create(channel, chat_id, external_user_id)
            if made is not None:  # new: no message of it can have been handled
                return made, None
            found = await self.session.run_sync(lambda s: _read(s.connection(), params))
            assert found is not None, "conversation vanished right after it was inserted"
        return found

    async def end(
        self, state: ConversationState, message_id: str, logged: list[Logged], replies: list[Any]
    ) -> None:
        """Log the turn's messages, save the state and remember `message_id` with `replies`."""

        writes = _Writes(state, message_id, logged, replies)

        def write(connection: Connection) -> None:
            if connection.dialect.name == "postgresql" and logged:
                writes.together(connection)
            else:
                writes.apart(connection)

        await self.session.run_sync(lambda s: write(s.connection()))


def _begin(
    connection: Connection, params: dict[str, str]
) -> tuple[ConversationState, Handled | None] | None:
    lock_turns(connection, params["channel"], params["chat_id"], params["user"])
    return _read(connection, params)


def _read(
    connection: Connection, params: dict[str, str]
) -> tuple[ConversationState, Handled | None] | None:
    row = core.execute(connection, _WITH_KEY, params).first()
    if row is None:
        return None
    handled = None
    if row[_AFTER] is not None:
        handled = Handled(list(row[_AFTER + 1]), row[_AFTER + 2] is not None)
    return state_of(row), handled


@dataclass(frozen=True, slots=True)
class _Writes:
    """What a turn writes as it ends."""

    state: ConversationState
    message_id: str
    logged: list[Logged]
    replies: list[Any]

    def apart(self, connection: Connection) -> None:
        """One statement each (SQLite runs them on the loop's own thread)."""
        state = self.state
        messages.add_all(connection, state.id, self.logged)
        save_state(connection, state)
        dedupe.remember(connection, state.id, self.message_id, self.replies)

    def together(self, connection: Connection) -> None:
        """One statement, so one round trip to PostgreSQL: the messages and the dedupe key
        inserted in data-modifying WITH clauses of the state's UPDATE. A key stored twice fails
        the whole statement, as it fails `dedupe.remember`."""
        state = self.state
        rows = messages.rows(state.id, self.logged)
        key, saving = dedupe.row(state.id, self.message_id, self.replies), saved(state)
        params: dict[str, Any] = {_SAVED + "conversation": state.id}
        for i, row in enumerate(rows):
            params.update(_named(row, f"{_LOGGED}{i}_"))
        params.update(_named(key, _REMEMBERED))
        params.update(_named(saving, _SAVED))
        statement = _TOGETHER.get(len(rows))
        if statement is None:  # the names are the code's own: one statement per message count
            statement = _TOGETHER[len(rows)] = _together(
                len(rows), list(rows[0]), list(key), list(saving)
            )
        core.execute(connection, statement, params)


_MESSAGES = core.table(LoggedMessage)
_LOGGED, _REMEMBERED, _SAVED = "m", "k_", "s_"  # parameter prefixes: SQLAlchemy keeps the
# columns' own names for the VALUES and SET clauses it fills in itself
_TOGETHER: dict[int, Executable] = {}  # messages in the turn → the statement, built once


def _together(count: int, logging: list[str], keeping: list[str], saving: list[str]) -> Executable:
    """UPDATE conversations (columns `saving`) WITH the INSERTs of `count` messages (columns
    `logging`) and of a dedupe key (columns `keeping`)."""
    rows = [_binds(_MESSAGES, logging, f"{_LOGGED}{i}_") for i in range(count)]
    logged = insert(_MESSAGES).values(rows).cte("logged")
    remembered = insert(_KEYS).values(_binds(_KEYS, keeping, _REMEMBERED)).cte("remembered")
    return (
        update(_CONVERSATIONS)
        .where(_CONVERSATIONS.c.id == bindparam(_SAVED + "conversation"))
        .values(_binds(_CONVERSATIONS, saving, _SAVED))
        .add_cte(logged, remembered)
    )


def _binds(table: Table, columns: list[str], prefix: str) -> dict[str, BindParameter[Any]]:
    return {name: bindparam(prefix + name, type_=table.c[name].type) for name in columns}


def _named(row: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {prefix + name: value for name, value in row.items()}
