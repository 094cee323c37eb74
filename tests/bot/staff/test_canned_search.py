"""Canned replies, best match first (issue #17: "优待证" listed the martyrs' families' entry
first, because its questions mention the card and it comes first in the file)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.config import DEFAULT_KB_DIR
from bot.staff.canned import MAX_FOUND, search
from policies.loader import KnowledgeBase, load

TODAY = date(2026, 3, 2)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load(DEFAULT_KB_DIR)


def test_the_card_itself_comes_before_entries_that_mention_it(kb: KnowledgeBase) -> None:
    found = [e.id for e in search(kb.entries, "优待证", TODAY)]
    assert found[0] == "preferential.card"
    assert "preferential.martyr_family" in found  # still found, further down


def test_a_title_match_outranks_a_question_match(kb: KnowledgeBase) -> None:
    card = kb.entry("preferential.card")
    assert card is not None
    found = search(kb.entries, card.title, TODAY)
    assert found[0].id == "preferential.card"


def test_width_and_case_do_not_matter(kb: KnowledgeBase) -> None:
    assert search(kb.entries, " 优待证 ", TODAY)[0].id == "preferential.card"


def test_no_query_lists_entries_in_file_order(kb: KnowledgeBase) -> None:
    valid = [e.id for e in kb.entries if e.is_valid_on(TODAY)]
    assert [e.id for e in search(kb.entries, "", TODAY)] == valid[:MAX_FOUND]


def test_nothing_matching_finds_nothing(kb: KnowledgeBase) -> None:
    assert search(kb.entries, "火星移民", TODAY) == []
