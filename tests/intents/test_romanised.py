"""Romanised input: whole pinyin and initials become the knowledge base's own words."""

from __future__ import annotations

import pytest

from intents.decision import Answer
from intents.romanised import Romanised
from intents.understand import Understanding


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("fuxu butie", "preferential.pension_subsidy"),
        ("fu xu bu tie", "preferential.pension_subsidy"),  # syllable by syllable
        ("tuiyijin", "resettlement.self_employment"),
        ("tuiyijin duoshao qian", "resettlement.self_employment"),
        ("youdaizheng zenme ban", "preferential.card"),
        ("ydz", "preferential.card"),  # initials of a knowledge-base term
        ("ydz zenme ban", "preferential.card"),
        ("Tuiyi Junren Youdaizheng", "preferential.card"),  # capitals
    ],
)
def test_pinyin_reaches_the_entry(understanding: Understanding, question: str, entry: str) -> None:
    decision = understanding.decide(question)
    assert isinstance(decision, Answer), (question, decision)
    assert decision.entry_id == entry


def test_english_is_left_alone() -> None:
    romanised = Romanised(
        ["优待证", "申请"], english=["how", "do", "i", "apply"], topics=["优待证"]
    )
    assert romanised.convert("How do I apply?") == "How do I apply?"
    assert romanised.convert("youdaizheng shenqing") == "优待证申请"


def test_only_known_words_are_produced() -> None:
    romanised = Romanised(["优待证"], topics=["优待证"])
    assert romanised.convert("zzqx") == "zzqx"  # spells nothing we know
    assert romanised.convert("优待证 ydz") == "优待证 优待证"


def test_ambiguous_initials_are_not_guessed() -> None:
    romanised = Romanised([], topics=["优待证", "一代做"])
    assert romanised.convert("ydz") == "ydz"


def test_pinyin_distress_still_reaches_a_person(understanding: Understanding) -> None:
    decision = understanding.decide("wo bu xiang huo le")
    assert getattr(decision, "reason", "") == "distress", decision
