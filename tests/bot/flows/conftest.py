"""Flow tests run on a fixed day, so holidays and numbering do not depend on the calendar."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from storage.database import Database
from tests.bot.flows.dated import TODAY
from tests.paths import FIXTURE_KB


@pytest.fixture
def engine(database: Database, knowledge: Knowledge, settings: Settings) -> Engine:
    return Engine(database, KnowledgeStore(FIXTURE_KB, knowledge), settings, today=lambda: TODAY)
