"""Report fixtures: the fixture knowledge base, an engine whose today is the first of the
current month (so booked visits fall in it), the staff desk, and the month itself."""

from __future__ import annotations

from datetime import datetime

import pytest
from pydantic import SecretStr

from bot.calendar.workdays import COUNTY_TIME
from bot.config import Settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from bot.reports.period import Period
from bot.staff.desk import Desk
from storage.database import Database
from tests.bot.chatting import TEST_DATA_KEY
from tests.paths import FIXTURE_KB


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return Knowledge.build(FIXTURE_KB)


@pytest.fixture
def settings() -> Settings:
    return Settings(
        policies_dir=FIXTURE_KB,
        crisis_contact="心理援助热线 12356",
        data_key=SecretStr(TEST_DATA_KEY),
    )


@pytest.fixture
def month() -> Period:
    """The county's current month: the engine logs messages at the real time."""
    return Period.month(f"{datetime.now(COUNTY_TIME):%Y-%m}")


@pytest.fixture
def engine(database: Database, knowledge: Knowledge, settings: Settings, month: Period) -> Engine:
    return Engine(
        database, KnowledgeStore(FIXTURE_KB, knowledge), settings, today=lambda: month.first
    )


@pytest.fixture
def desk(knowledge: Knowledge, settings: Settings) -> Desk:
    return Desk.of(knowledge.kb, settings)
