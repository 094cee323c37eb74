"""Features: homophones share pinyin keys, dictionary words are found, kinds stay apart."""

from __future__ import annotations

import numpy as np

from intents.features import (
    BIGRAM,
    CHAR,
    PINYIN,
    WORD,
    Featurizer,
    kind_of,
    pinyin_string,
    word_keys,
)


def test_homophone_typos_share_pinyin() -> None:
    assert pinyin_string("优代证") == pinyin_string("优待证")
    assert pinyin_string("光荣派") == pinyin_string("光荣牌")
    assert pinyin_string("报道") == pinyin_string("报到")
    # southern accents: n/l and -ng/-n fold together
    assert pinyin_string("老") == pinyin_string("脑")
    assert pinyin_string("金") == pinyin_string("京")
    assert pinyin_string("优待") != pinyin_string("优惠")


def test_pinyin_features_match_homophones_only() -> None:
    featurizer = Featurizer()
    typo, right = featurizer.keys("优代证"), featurizer.keys("优待证")
    pinyin = lambda keys: set(keys[kind_of(keys) == PINYIN].tolist())  # noqa: E731
    bigrams = lambda keys: set(keys[kind_of(keys) == BIGRAM].tolist())  # noqa: E731
    assert pinyin(typo) == pinyin(right)
    assert not bigrams(typo) & bigrams(right)


def test_domain_words_are_words() -> None:
    plain, domain = Featurizer(), Featurizer(["荣军巡诊"])
    key = word_keys(["荣军巡诊"])[0]
    assert key not in plain.keys("荣军巡诊什么时候来").tolist()
    assert key in domain.keys("荣军巡诊什么时候来").tolist()


def test_overlapping_words_all_count() -> None:
    keys = Featurizer(["优待证"]).keys("优待证怎么办").tolist()
    for word in ("优待证", "优待"):
        assert word_keys([word])[0] in keys


def test_english_words_and_kinds() -> None:
    keys = Featurizer().keys("veterans card 优待")
    kinds = set(kind_of(keys).tolist())
    assert kinds == {WORD, BIGRAM, PINYIN, CHAR}


def test_batch_owners_point_at_their_texts() -> None:
    owners, keys = Featurizer().batch(["优待证", "光荣牌"])
    first = set(keys[owners == 0].tolist())
    second = set(keys[owners == 1].tolist())
    assert first and second and not first & second
    assert np.array_equal(np.unique(owners), [0, 1])
