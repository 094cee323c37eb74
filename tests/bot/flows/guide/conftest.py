"""Guide tests run on the real knowledge base (policies/, with guides.yaml) on a fixed day."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from bot.config import DEFAULT_KB_DIR, Settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from storage.database import Database
from tests.bot.chatting import TEST_DATA_KEY
from tests.bot.flows.dated import TODAY


@pytest.fixture(scope="session")
def real_knowledge() -> Knowledge:
    """Built once: indexing the real knowledge base takes a few seconds."""
    return Knowledge.build(DEFAULT_KB_DIR)


@pytest.fixture
def settings() -> Settings:
    return Settings(
        policies_dir=DEFAULT_KB_DIR, crisis_contact="", data_key=SecretStr(TEST_DATA_KEY)
    )


@pytest.fixture
def engine(database: Database, real_knowledge: Knowledge, settings: Settings) -> Engine:
    store = KnowledgeStore(DEFAULT_KB_DIR, real_knowledge)
    return Engine(database, store, settings, today=lambda: TODAY)


@pytest.fixture
def sqlite_engine(
    sqlite_database: Database, real_knowledge: Knowledge, settings: Settings
) -> Engine:
    store = KnowledgeStore(DEFAULT_KB_DIR, real_knowledge)
    return Engine(sqlite_database, store, settings, today=lambda: TODAY)
