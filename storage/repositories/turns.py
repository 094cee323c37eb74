"""A turn's own statements, run together: what the engine reads as a message arrives, and
what it writes as the turn ends, each in one call on the session's connection.

    begin   (PostgreSQL: the conversation's turn lock) → its row, row-locked, joined with the
            dedupe key of this message: the state, and the replies if it was handled before
    end     the message and its replies into the log → the state → the dedupe key

Handlers change other tables through the same session, in the same transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Conversation, DedupeKey
from storage.repositories import core, dedupe, messages
from storage.repositories.conversations import (
    KEY,
    STATE_COLUMNS,
    Conversations,
    ConversationState,
    key_params,
    lock_turns,
    save_state,
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
            await Conversations(self.session).create(channel, chat_id, external_user_id)
            found = await self.session.run_sync(lambda s: _read(s.connection(), params))
            assert found is not None, "conversation vanished right after it was inserted"
        return found

    async def end(
        self, state: ConversationState, message_id: str, logged: list[Logged], replies: list[Any]
    ) -> None:
        """Log the turn's messages, save the state and remember `message_id` with `replies`."""

        def write(connection: Connection) -> None:
            messages.add_all(connection, state.id, logged)
            save_state(connection, state)
            dedupe.remember(connection, state.id, message_id, replies)

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
