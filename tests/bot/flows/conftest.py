"""Flow tests run on a fixed day, so holidays and numbering do not depend on the calendar."""

from __future__ import annotations

import pytest
from chatting import FIXTURE_KB
from dated import TODAY

from bot.config import Settings
from bot.engine import Engine
from bot.knowledge import Knowledge, KnowledgeStore
from storage.database import Database


@pytest.fixture
def engine(database: Database, knowledge: Knowledge, settings: Settings) -> Engine:
    return Engine(database, KnowledgeStore(FIXTURE_KB, knowledge), settings, today=lambda: TODAY)
