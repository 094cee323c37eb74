"""Staff fixtures: the fixture knowledge base, an engine, a desk and a controllable clock."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from bot.staff.desk import Desk
from storage.database import Database
from tests.bot.staff.staffing import Clock
from tests.paths import FIXTURE_KB


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return Knowledge.build(FIXTURE_KB)


@pytest.fixture
def settings() -> Settings:
    return Settings(policies_dir=FIXTURE_KB, crisis_contact="心理援助热线 12356")


@pytest.fixture
def engine(database: Database, knowledge: Knowledge, settings: Settings) -> Engine:
    return Engine(database, KnowledgeStore(FIXTURE_KB, knowledge), settings)


@pytest.fixture
def desk(knowledge: Knowledge, settings: Settings) -> Desk:
    return Desk.of(knowledge.kb, settings)


@pytest.fixture
def clock() -> Clock:
    return Clock()
