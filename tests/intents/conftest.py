"""One understanding of the real knowledge base, shared by the understanding tests (built once)."""

from __future__ import annotations

import pytest

from bot.config import DEFAULT_KB_DIR
from intents.understand import Understanding
from policies.loader import KnowledgeBase, load


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load(DEFAULT_KB_DIR)


@pytest.fixture(scope="session")
def understanding(kb: KnowledgeBase) -> Understanding:
    return Understanding.build(kb)
