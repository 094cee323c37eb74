"""CLI fixtures: a user chatting with an engine on the test's SQLite file, the file the
command line (tests/bot/cli/running.py) then reads."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from storage import migrate
from storage.database import Database
from tests.bot.chatting import TEST_DATA_KEY, Chat
from tests.paths import FIXTURE_KB


@pytest.fixture
async def chat(tmp_path: Path, knowledge: Knowledge) -> AsyncIterator[Chat]:
    database = Database(f"sqlite:///{tmp_path / 'cli.db'}")
    await migrate.upgrade(database)
    settings = Settings(policies_dir=FIXTURE_KB, data_key=SecretStr(TEST_DATA_KEY))
    chat = Chat(Engine(database, KnowledgeStore(FIXTURE_KB, knowledge), settings))
    yield chat
    await database.dispose()
