"""Romanised input: whole pinyin (`fuxu butie`, `tuiyijin`) and pinyin initials (`ydz`) turned
back into characters through the knowledge base's own vocabulary.

Only words the knowledge base and the lexicon know are produced, so the mapping cannot invent a
topic: a Latin run is rewritten only when known words spell most of it, which leaves English
("How do I apply?") alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from intents.features import toneless_pinyin

MAX_SYLLABLES = 8
MIN_INITIALS = 3  # two letters name too many words to guess from
COVERED = 0.75  # share of a run's letters that known words must spell
_RUN = re.compile(r"[a-z][a-z' ]*[a-z]|[a-z]")
_LATIN = re.compile(r"[A-Za-z]")


def _syllables(word: str) -> list[str]:
    """The toneless pinyin of a Chinese word, character by character (first reading), or []
    if it is not a word of Chinese characters."""
    if not word or len(word) > MAX_SYLLABLES:
        return []
    readings = toneless_pinyin()
    syllables = [readings.get(char, "") for char in word]
    return syllables if all(s.isalpha() and s.isascii() for s in syllables) else []


class Romanised:
    def __init__(
        self, words: Iterable[str], english: Iterable[str] = (), topics: Iterable[str] = ()
    ) -> None:
        """`words`: Chinese words to produce, most wanted first (the first spelling wins);
        `topics`: the words that initials may stand for (the knowledge base's key terms), of
        which initials shared by two are dropped as ambiguous."""
        self.spellings: dict[str, str] = {}
        for word in words:
            syllables = _syllables(word)
            if syllables:
                self.spellings.setdefault("".join(syllables), word)
        self.initials: dict[str, str] = {}
        ambiguous: set[str] = set()
        for word in topics:
            syllables = _syllables(word)
            if len(syllables) >= MIN_INITIALS:
                key = "".join(s[0] for s in syllables)
                if self.initials.get(key, word) != word:
                    ambiguous.add(key)
                self.initials.setdefault(key, word)
        for key in ambiguous:
            del self.initials[key]
        self.english = frozenset(w.lower() for w in english)
        self._longest = max((len(s) for s in self.spellings), default=0)

    def _parse(self, letters: str) -> tuple[str, int] | None:
        """The words that spell the most of `letters` (dynamic programming), with how many
        letters they cover; None if nothing is spelt."""
        size = len(letters)
        empty: list[str] = []
        best: list[tuple[int, list[str]]] = [(0, empty)] + [(-1, empty)] * size
        for end in range(1, size + 1):
            skip = best[end - 1]
            best[end] = (skip[0], skip[1])
            for start in range(max(0, end - self._longest), end - 1):
                word = self.spellings.get(letters[start:end])
                if word is not None and best[start][0] >= 0:
                    covered = best[start][0] + end - start
                    if covered > best[end][0]:
                        best[end] = (covered, [*best[start][1], word])
        covered, words = best[size]
        return ("".join(words), covered) if words else None

    def _token(self, letters: str) -> str | None:
        """One run of letters as words: whole pinyin, else the initials of a known term."""
        parsed = self._parse(letters)
        if parsed is not None and parsed[1] >= COVERED * len(letters):
            return parsed[0]
        if MIN_INITIALS <= len(letters) <= MAX_SYLLABLES:
            return self.initials.get(letters)
        return None

    def _run(self, run: str) -> str | None:
        tokens = run.replace("'", " ").split()
        if any(token in self.english for token in tokens):
            return None
        whole = self._token("".join(tokens))  # 'fu xu bu tie' typed syllable by syllable
        if whole is not None:
            return whole
        words = [self._token(token) for token in tokens]  # 'ydz zenme ban'
        if all(word is not None for word in words):
            return "".join(word for word in words if word)
        return None

    def convert(self, text: str) -> str:
        """`text` with each romanised run that known words spell rewritten in characters."""
        if not _LATIN.search(text):
            return text
        lowered = text.lower()
        pieces, cursor = [], 0
        for match in _RUN.finditer(lowered):
            chinese = self._run(match.group(0))
            if chinese is not None:
                pieces += [text[cursor : match.start()], chinese]
                cursor = match.end()
        if not pieces:
            return text
        return "".join(pieces) + text[cursor:]
