"""Normalisation: the one canonical form every comparison starts from."""

from __future__ import annotations

import pytest

from intents.normalize import (
    is_english,
    normalize,
    normalize_both,
    normalize_keeping_places,
    normalize_many,
    other_place,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("退伍軍人優待證怎麼辦理", "退役军人优待证怎么申请"),  # traditional, synonyms
        ("义务兵优待金　多少钱？！", "义务兵优待金 多少钱"),  # full width, doubled punctuation
        ("ＡＢＣ", "abc"),
        ("六十周岁以上", "60周岁以上"),
        ("士官服役满十二年", "士官服役满12年"),
        ("九月三十号", "9月30号"),
        ("三等功", "三等功"),  # a term, not a count
        ("一次性退役金", "一次性退役金"),
        ("退役*人服务站", "退役人服务站"),  # a word a site masked
        ("报道需要带啥", "报道需要带什么"),  # dialect 啥
        ("儿子去当兵了", "儿子去入伍了"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_other_places_are_not_topic_words() -> None:
    assert normalize("长沙的优待金标准") == "的优待金标准"
    assert other_place("山东省的退役金") == "山东"
    assert other_place("平江的退役金") is None


def test_batch_equals_one_by_one() -> None:
    texts = ["退伍軍人優待證", "a\x00b", "", "How do I apply?", "六十岁老兵补助"]
    assert normalize_many(texts) == [normalize(t) for t in texts]


def test_both_at_once_equals_each() -> None:
    texts = ["去北京上訪，六十岁老兵补助？", "a\x00b", "", "How do I apply?", "长沙市的优待金"]
    assert [normalize_both(t) for t in texts] == [
        (normalize(t), normalize_keeping_places(t)) for t in texts
    ]


@pytest.mark.parametrize(
    ("text", "english"),
    [("How do I apply?", True), ("优待证 card", False), ("12345", False), ("你好", False)],
)
def test_is_english(text: str, english: bool) -> None:
    assert is_english(text) is english
