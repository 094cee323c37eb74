"""`core.execute`: on a SQLite file the turn's statements run straight on sqlite3, with
SQLAlchemy's own value processing; what they write and read is what SQLAlchemy's way gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from storage.database import Database
from storage.models import AnswerFeedback, Conversation, DedupeKey
from storage.repositories import core
from storage.repositories.conversations import Conversations, save_state
from storage.repositories.turns import Turns

_FEEDBACK = insert(core.table(AnswerFeedback))
_KEYS = core.table(DedupeKey)
_KEY_OF = select(_KEYS.c.replies, _KEYS.c.created_at).where(
    _KEYS.c.conversation_id == bindparam("conversation"), _KEYS.c.message_id == bindparam("id")
)


async def test_the_sqlite_file_path_is_taken_and_agrees_with_sqlalchemy(
    sqlite_database: Database,
) -> None:
    async with sqlite_database.transaction() as session:
        state = await Conversations(session).open("web", "core", "core")
        state.values = {"名字": "张三", "n": 1}
        state.options = [("菜单", "menu")]
        assert await session.run_sync(lambda s: save_state(s.connection(), state))
        # Columns left out get their constant defaults, as SQLAlchemy fills them in.
        params = {
            "entry_id": "e1",
            "created_at": datetime(2026, 1, 2, 8, tzinfo=timezone(timedelta(hours=8))),
        }
        await session.run_sync(lambda s: core.execute(s.connection(), _FEEDBACK, params))
    assert any(
        statement is _FEEDBACK and prepared is not None
        for statement, prepared in core._PREPARED.values()
    ), "the insert went through SQLAlchemy, not straight to sqlite3"
    async with sqlite_database.transaction() as session:
        stored = (await session.scalars(select(AnswerFeedback))).one()
        conversation = await session.get(Conversation, state.id)
        found, _ = await Turns(session).begin("web", "core", "core", "m1")
    assert (stored.reason, stored.question, stored.language) == ("", "", "zh")
    assert stored.created_at == datetime(2026, 1, 2, 0, tzinfo=UTC)  # stored in UTC, read aware
    assert conversation is not None and conversation.values == {"名字": "张三", "n": 1}
    assert found.values == {"名字": "张三", "n": 1} and found.options == [("菜单", "menu")]


async def test_errors_are_sqlalchemys_and_roll_the_turn_back(database: Database) -> None:
    async with database.transaction() as session:
        conversation = (await Conversations(session).open("web", "core", "twice")).id
    row = {
        "conversation_id": conversation,
        "message_id": "m1",
        "replies": [{"text": "您好"}],
        "created_at": datetime.now(UTC),
    }
    statement = insert(_KEYS)
    with pytest.raises(IntegrityError):
        async with database.transaction() as session:
            await session.run_sync(
                lambda s: core.execute(s.connection(), statement, [row, {**row, "replies": []}])
            )
    async with database.transaction() as session:
        assert (
            await core.first(session, _KEY_OF, {"conversation": conversation, "id": "m1"}) is None
        )
        await session.run_sync(lambda s: core.execute(s.connection(), statement, row))
        replies, created = await core.first(
            session, _KEY_OF, {"conversation": conversation, "id": "m1"}
        ) or (None, None)
    assert replies == [{"text": "您好"}]
    assert created is not None and created.tzinfo is not None
