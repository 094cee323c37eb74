"""Features of a normalised text: words (jieba with a domain dictionary), characters, character
bigrams and pinyin bigrams. Each feature is a string with a kind prefix, so one index serves all."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import lru_cache

import jieba
from pypinyin import lazy_pinyin

jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict" notes are not ours to print

# Kind weights: how much one matching feature of each kind says about a topic. Words carry the
# meaning; character bigrams survive segmentation slips; pinyin bigrams catch homophone typos
# from pinyin input (优代 for 优待); single characters are a last, weak resort for mangled words.
KIND_WEIGHTS = {"w": 1.0, "b": 0.6, "p": 0.5, "c": 0.25}

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_LATIN_WORD = re.compile(r"[a-z][a-z']+|\d+")
_STOP_WORDS = (
    "的 了 吗 呢 啊 吧 呀 嘛 哦 哈 么 是 我 你 他 她 们 我们 你们 在 有 和 与 或 就 都 也 还 要 "
    "能 可以 请问 请 问 一下 这个 那个 这 那 个 吗 想 给 把 被 让 对 去 来 到 会 该 得 着 过 又 "
    "a an the is are am be do does did i you we my our your me to of for in on at and or can "
    "how what when where which who whom is it this that with as by please there any get"
).split()
_STOP = frozenset(_STOP_WORDS)

# Pinyin input and southern accents blur these: zh/z, ch/c, sh/s, n/l, f/h, -ng/-n.
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("l", "n"), ("h", "f"))
_FUZZY_FINALS = (("ing", "in"), ("eng", "en"), ("ang", "an"))


@lru_cache(maxsize=None)
def char_pinyin(char: str) -> str:
    """A character's toneless pinyin with the fuzzy pairs folded (first reading)."""
    syllable = lazy_pinyin(char)[0]
    for long, short in _FUZZY_INITIALS:
        if syllable.startswith(long):
            syllable = short + syllable[len(long) :]
            break
    for long, short in _FUZZY_FINALS:
        if syllable.endswith(long):
            syllable = syllable[: -len(long)] + short
            break
    return syllable


def pinyin_string(text: str) -> str:
    return " ".join(char_pinyin(c) for run in _CJK_RUN.findall(text) for c in run)


class Featurizer:
    """Turns normalised text into weighted features. Holds its own jieba tokenizer, so the
    knowledge base's domain words never leak into another index built in the same process."""

    def __init__(self, domain_words: Iterable[str] = ()) -> None:
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        for word in domain_words:
            word = word.strip()
            if 2 <= len(word) <= 12 and _CJK_RUN.fullmatch(word):
                self._jieba.add_word(word, freq=20000)
        self._cache: dict[str, frozenset[str]] = {}

    def clear_cache(self) -> None:
        self._cache.clear()

    def words(self, text: str) -> list[str]:
        out: list[str] = []
        for run in _CJK_RUN.findall(text):
            out.extend(w for w in self._jieba.lcut(run, HMM=False) if w not in _STOP)
        out.extend(_stem(w) for w in _LATIN_WORD.findall(text) if w not in _STOP)
        return out

    def features(self, text: str) -> frozenset[str]:
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        feats = {"w:" + w for w in self.words(text)}
        for run in _CJK_RUN.findall(text):
            feats.update("c:" + c for c in run if c not in _STOP)
            feats.update("b:" + run[i : i + 2] for i in range(len(run) - 1))
            syllables = [char_pinyin(c) for c in run]
            feats.update(
                "p:" + syllables[i] + syllables[i + 1] for i in range(len(syllables) - 1)
            )
        result = frozenset(feats)
        if len(self._cache) < 200_000:
            self._cache[text] = result
        return result


def _stem(word: str) -> str:
    """Plural and simple verb endings, enough for short English questions."""
    for suffix in ("ing", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def kind_weight(feature: str) -> float:
    return KIND_WEIGHTS[feature[0]]
