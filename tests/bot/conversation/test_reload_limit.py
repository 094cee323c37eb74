"""A reload that hangs (a huge or hostile file) must never block the admin's fix: it is given
up after a time limit, and the next reload reads the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.conversation import knowledge
from bot.conversation.knowledge import KnowledgeStore
from tests.bot.conversation.test_knowledge import edit, folder

__all__ = ["folder"]


async def test_a_stuck_reload_is_given_up_and_the_fix_still_serves(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = await KnowledgeStore.open(folder)
    before = store.current.kb.fingerprint
    monkeypatch.setattr(knowledge, "RELOAD_LIMIT", 0.0001)  # any real load is "too slow"
    edit(folder, "测试答案：到乡镇服务站申请优待证。", "第一次修改。")
    assert await store.reload() is False
    assert "given up" in str(store.failed[0])
    assert store.current.kb.fingerprint == before
    monkeypatch.undo()
    edit(folder, "第一次修改。", "修好了。")
    assert await store.reload() is True
    assert store.failed == ()
    assert store.current.kb.fingerprint != before
