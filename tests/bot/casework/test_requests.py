"""The request state machine: moves outside the path are refused, unknown requests and states
say so (moved here from the storage tests with the machine itself)."""

from __future__ import annotations

import pytest

from bot.casework.requests import change_request_state
from bot.conversation.knowledge import Knowledge
from bot.messages import catalogue
from storage.database import Database
from storage.repositories.requests import Filed, Requests, StateChangeRefused
from storage.repositories.users import Users


async def _file(database: Database) -> Filed:
    async with database.transaction() as session:
        user_id = await Users(session).identify("test", "u1")
        return await Requests(session).file(
            prefix="PJ",
            year=2026,
            user_id=user_id,
            type_id="callback",
            station_id="tongshi",
            answers={"phone": "13800000000"},
            language="zh",
            channel="test",
            chat_id="c",
            external_user_id="u1",
        )


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([], "done"),  # submitted cannot jump to done
        (["rejected"], "accepted"),  # closed is closed
        (["accepted", "done"], "in_progress"),
    ],
)
async def test_state_changes_outside_the_path_are_refused(
    database: Database, knowledge: Knowledge, path: list[str], refused: str
) -> None:
    filed = await _file(database)
    kb, messages = knowledge.kb, catalogue()
    async with database.transaction() as session:
        for state in path:
            await change_request_state(session, kb, messages, filed.number, state, "staff")
    with pytest.raises(StateChangeRefused, match="can move to"):
        async with database.transaction() as session:
            await change_request_state(session, kb, messages, filed.number, refused, "staff")


async def test_unknown_request_or_state(database: Database, knowledge: Knowledge) -> None:
    kb, messages = knowledge.kb, catalogue()
    with pytest.raises(StateChangeRefused, match="no request PJ-2026-999999"):
        async with database.transaction() as session:
            await change_request_state(session, kb, messages, "PJ-2026-999999", "accepted", "x")
    with pytest.raises(ValueError, match="unknown state"):
        async with database.transaction() as session:
            await change_request_state(session, kb, messages, "PJ-2026-000001", "lost", "x")
