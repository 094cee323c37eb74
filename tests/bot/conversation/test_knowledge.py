"""Swapping knowledge bases: a good edit replaces the old one, a bad edit never does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.config import Settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import KnowledgeStore
from bot.errors import KnowledgeUnavailable
from storage.database import Database
from tests.bot.chatting import Chat
from tests.paths import FIXTURE_KB


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "policies"
    shutil.copytree(FIXTURE_KB, copy)
    return copy


def edit(folder: Path, old: str, new: str) -> None:
    path = folder / "kb" / "preferential.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


async def test_a_valid_edit_is_served_from_the_next_message(
    folder: Path, sqlite_database: Database
) -> None:
    store = await KnowledgeStore.open(folder)
    chat = Chat(Engine(sqlite_database, store, Settings()))
    before = store.current.kb.fingerprint
    edit(folder, "测试答案：到乡镇服务站申请优待证。", "新答案：带上身份证到乡镇服务站申请。")
    assert await store.reload() is True
    assert store.current.kb.fingerprint != before and store.failed == ()
    assert "新答案" in (await chat.say("优待证怎么办理")).text


async def test_a_broken_edit_keeps_the_last_good_one_and_says_where(
    folder: Path, sqlite_database: Database
) -> None:
    store = await KnowledgeStore.open(folder)
    chat = Chat(Engine(sqlite_database, store, Settings()))
    good = store.current
    edit(folder, "    reviewed: 2024-06-01\n", "    reviewed: not-a-date\n")
    assert await store.reload() is False
    assert store.current is good
    errors = [str(p) for p in store.failed if not p.warning]
    assert any(e.startswith("policies/kb/preferential.yaml:19: entries.0.reviewed") for e in errors)
    assert "测试答案" in (await chat.say("优待证怎么办理")).text
    edit(folder, "    reviewed: not-a-date\n", "    reviewed: 2024-06-02\n")
    assert await store.reload() is True and store.failed == ()


async def test_reload_without_changes_keeps_the_same_knowledge(folder: Path) -> None:
    store = await KnowledgeStore.open(folder)
    current = store.current
    assert await store.reload() is False and store.current is current


async def test_no_valid_knowledge_base_at_start_is_an_error_with_lines(folder: Path) -> None:
    (folder / "kb" / "service.yaml").write_text("category: service\nentries: oops\n", "utf-8")
    with pytest.raises(KnowledgeUnavailable, match=r"policies/kb/service\.yaml:2"):
        await KnowledgeStore.open(folder)
