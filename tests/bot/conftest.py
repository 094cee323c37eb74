"""Engine fixtures: the small test knowledge base and an engine on each database."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from storage.database import Database
from tests.bot.chatting import TEST_DATA_KEY, Chat
from tests.paths import FIXTURE_KB


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    """Built once per session: loading and indexing take about a second."""
    return Knowledge.build(FIXTURE_KB)


@pytest.fixture
def settings() -> Settings:
    # A key of the tests' own: never the developer's var/data.key, never a real one.
    return Settings(policies_dir=FIXTURE_KB, crisis_contact="", data_key=SecretStr(TEST_DATA_KEY))


@pytest.fixture
def engine(database: Database, knowledge: Knowledge, settings: Settings) -> Engine:
    return Engine(database, KnowledgeStore(FIXTURE_KB, knowledge), settings)


@pytest.fixture
def chat(engine: Engine) -> Chat:
    return Chat(engine)
