"""The shipped knowledge base keeps its promises: coverage, phrasings, translations, and no
invented local facts (phone numbers, opening hours) in any answer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.config import DEFAULT_KB_DIR
from policies.loader import KnowledgeBase, load

SHARED_TOPICS = Path(__file__).resolve().parents[3] / "shared" / "kb-topics.yaml"
PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8})(?!\d)")
CLOCK = re.compile(r"\d{1,2}[:：]\d{2}")


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load(DEFAULT_KB_DIR)


def test_every_topic_of_the_shared_list_is_covered(kb: KnowledgeBase) -> None:
    if not SHARED_TOPICS.exists():
        pytest.skip("shared/kb-topics.yaml is not beside the checkout")
    shared = yaml.safe_load(SHARED_TOPICS.read_text(encoding="utf-8"))
    ids = {entry.id for entry in kb.entries}
    assert {t["id"] for t in shared["topics"]} <= ids
    # policies/topics.yaml is the copy the loader checks against: it must not drift
    assert {t.id for t in kb.topics} == {t["id"] for t in shared["topics"]}


@pytest.mark.parametrize("entry_id", [e.id for e in load(DEFAULT_KB_DIR).entries])
def test_entry(kb: KnowledgeBase, entry_id: str) -> None:
    entry = kb.entry(entry_id)
    assert entry is not None
    assert len(entry.questions) >= 20
    assert any(q.isascii() for q in entry.questions), "an English phrasing"
    assert len(entry.answer) <= 360
    assert entry.en is not None and entry.en.answer
    assert entry.actions, "every answer offers a next step"
    for text in (entry.answer, entry.detail or "", entry.en.answer):
        assert not PHONE.search(text), f"a phone number in {entry.id}: invented?"
        assert not CLOCK.search(text), f"an opening time in {entry.id}: invented?"


def test_stations_leave_unknown_contact_details_empty(kb: KnowledgeBase) -> None:
    for station in kb.stations:
        for value in (station.phone, station.hours, station.address):
            assert not PHONE.search(value)
    assert kb.county_station().level == "county"
