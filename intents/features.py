"""Features of normalised text, as 64-bit integer keys computed with numpy for many texts at once.

Five kinds, told apart by the key's top byte:
- words: every dictionary word a text contains (jieba's dictionary plus the knowledge base's own
  terms), overlapping the way search engines segment, so 优待 and 优待证 both count and no single
  segmentation guess can be wrong; English words too;
- character bigrams, which survive segmentation slips and unknown words;
- pinyin bigrams, with the fuzzy pairs of pinyin input and southern accents folded, which catch
  homophone typos (优代证 for 优待证);
- single characters, a last and weak resort for mangled words;
- concepts (synonyms.yaml, `concepts`): a word of a concept adds the concept, so different
  words for one thing (坐高铁, 乘车) meet.

Keys are hashes (words) or packed code points (the rest), so indexing a 10,000-entry knowledge
base is a handful of array operations instead of millions of Python string operations.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import jieba
import numpy as np
from pypinyin import lazy_pinyin

from intents.normalize import LEXICON

jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict" notes are not ours to print

WORD, BIGRAM, PINYIN, CHAR, CONCEPT = 1, 2, 3, 4, 5
KIND_NAMES = {WORD: "word", BIGRAM: "bigram", PINYIN: "pinyin", CHAR: "char", CONCEPT: "concept"}
# How much one matching feature of each kind says about a topic (index = kind).
KIND_WEIGHTS = np.array([0.0, 1.0, 0.6, 0.5, 0.25, 0.8])
SHIFT = 56
NO_KEY = np.iinfo(np.int64).max  # greater than every key (kinds are far below 0x7F)
LOW = (1 << SHIFT) - 1
MAX_WORD = 4
_BITMAP_SIZE = 1 << 23
_CHUNK = 8192
CJK_FIRST, CJK_LAST = 0x4E00, 0x9FFF

_LATIN_WORD = re.compile(r"[a-z][a-z']+|\d+")
_HAS_LATIN = re.compile(r"[a-z0-9]")
_CJK_RUN = re.compile(f"[{chr(CJK_FIRST)}-{chr(CJK_LAST)}]+")
_STOP_WORDS = LEXICON["stop_words"].split()
_STOP_CHARS = np.array(sorted({ord(w) for w in _STOP_WORDS if len(w) == 1}), dtype=np.int64)

# Pinyin input and southern accents blur these: zh/z, ch/c, sh/s, n/l, f/h, -ng/-n.
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("l", "n"), ("h", "f"))
_FUZZY_FINALS = (("ing", "in"), ("eng", "en"), ("ang", "an"))
_CACHE = Path.home() / ".cache" / "vetbot"


def fold_pinyin(syllable: str) -> str:
    for long, short in _FUZZY_INITIALS:
        if syllable.startswith(long):
            syllable = short + syllable[len(long) :]
            break
    for long, short in _FUZZY_FINALS:
        if syllable.endswith(long):
            return syllable[: -len(long)] + short
    return syllable


# Each syllable becomes one private-use character, so a text's pinyin is one str.translate away
# and rapidfuzz compares syllable sequences in C.
_SYLLABLE_BASE = 0xE000


@lru_cache(maxsize=1)
def toneless_pinyin() -> dict[str, str]:
    """Every CJK character's toneless pinyin (first reading, ü as v), computed once."""
    chars = [chr(c) for c in range(CJK_FIRST, CJK_LAST + 1)]
    readings = lazy_pinyin(chars, errors="replace")
    return {c: r.replace("ü", "v") for c, r in zip(chars, readings, strict=True)}


@lru_cache(maxsize=1)
def _syllables() -> tuple[np.ndarray, dict[int, str | None]]:
    """Every CJK character's folded toneless pinyin (first reading): ids, and a translate table."""
    readings = toneless_pinyin()
    names = [fold_pinyin(readings[chr(c)]) for c in range(CJK_FIRST, CJK_LAST + 1)]
    vocabulary = {name: index for index, name in enumerate(dict.fromkeys(names))}
    ids = np.array([vocabulary[n] for n in names], dtype=np.int64)
    table: dict[int, str | None] = {c: None for c in range(0x80)}  # ASCII: not spoken pinyin
    table.update({CJK_FIRST + i: chr(_SYLLABLE_BASE + int(s)) for i, s in enumerate(ids)})
    return ids, table


@lru_cache(maxsize=1)
def _syllable_list() -> list[int]:
    """`_syllables()` ids as a Python list, for per-character lookups without numpy."""
    ids: list[int] = _syllables()[0].tolist()
    return ids


_MASK64 = (1 << 64) - 1
_CHAR_BITS, _BIGRAM_BITS = CHAR << SHIFT, BIGRAM << SHIFT
_PINYIN_BITS, _WORD_BITS = PINYIN << SHIFT, WORD << SHIFT


def pinyin_string(text: str) -> str:
    """A text's folded pinyin as one character per syllable (CJK characters only); equal
    strings mean the texts sound the same, which is what a pinyin-input typo keeps."""
    return text.translate(_syllables()[1])


def distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values. np.unique's hash-based path is many times slower than a sort on
    millions of int64 keys (numpy 2.x), and this is the hot spot of indexing."""
    ordered = np.sort(values)
    keep = np.ones(len(ordered), dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


def code_points(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """All texts' code points in one array (NUL between texts) and each position's text number."""
    joined = "\x00".join(texts) + "\x00"
    points = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    owner = np.concatenate(([0], np.cumsum(points == 0)[:-1]))
    return points, owner


def cjk_windows(is_cjk: np.ndarray, length: int) -> np.ndarray:
    """Start positions of `length` consecutive CJK characters."""
    run = np.concatenate(([0], np.cumsum(is_cjk)))
    starts = np.arange(len(is_cjk) - length + 1)
    return starts[run[starts + length] - run[starts] == length]


def word_hash(points: np.ndarray, starts: np.ndarray, length: int) -> np.ndarray:
    digest = np.zeros(len(starts), dtype=np.uint64)
    with np.errstate(over="ignore"):  # wrapping multiplication is the hash
        for offset in range(length):
            digest = digest * np.uint64(1_000_003) ^ points[starts + offset].astype(np.uint64)
        digest = digest * np.uint64(0x9E3779B97F4A7C15) ^ np.uint64(length)
    return (digest & np.uint64(LOW)).astype(np.int64) | (WORD << SHIFT)


def word_keys(words: Iterable[str]) -> np.ndarray:
    """Sorted keys of CJK words of 2..MAX_WORD characters (others are ignored)."""
    by_length: dict[int, list[str]] = {}
    for word in words:
        if 2 <= len(word) <= MAX_WORD and all(CJK_FIRST <= ord(c) <= CJK_LAST for c in word):
            by_length.setdefault(len(word), []).append(word)
    keys = [np.zeros(0, dtype=np.int64)]
    for length, group in by_length.items():
        points = np.frombuffer("".join(group).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        keys.append(word_hash(points, np.arange(0, len(points), length), length))
    return distinct(np.concatenate(keys))


def _latin_key(word: str) -> int:
    digest = hashlib.blake2b(word.encode(), digest_size=7).digest()
    return int.from_bytes(digest, "big") | (WORD << SHIFT)


@lru_cache(maxsize=1)
def general_word_keys() -> np.ndarray:
    """Keys of jieba's dictionary of everyday words, cached on disk after the first build."""
    cache = _CACHE / f"jieba-{jieba.__version__}-words-{MAX_WORD}.npy"
    try:
        return np.load(cache)
    except (OSError, ValueError):
        pass
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    keys = word_keys(w for w, freq in tokenizer.FREQ.items() if freq > 0)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.save(cache, keys)
    except OSError:
        logging.getLogger(__name__).info("could not cache the word list at %s", cache)
    return keys


STOP_WORD_KEYS = word_keys(_STOP_WORDS)


class Featurizer:
    """Turns normalised texts into feature keys, knowing the knowledge base's own terms as words."""

    def __init__(
        self, domain_words: Iterable[str] = (), concepts: dict[str, str] | None = None
    ) -> None:
        concepts = concepts or {}
        words = distinct(
            np.concatenate(
                (general_word_keys(), word_keys([*(w.strip() for w in domain_words), *concepts]))
            )
        )
        names = {name: number for number, name in enumerate(sorted(set(concepts.values())))}
        members = [(int(k[0]), names[c]) for w, c in concepts.items() if len(k := word_keys([w]))]
        members.sort()
        self._members = np.array([k for k, _ in members], dtype=np.int64)
        self._concept = np.array([c for _, c in members], dtype=np.int64) | (CONCEPT << SHIFT)
        # The same, word key -> concept key, for one short text (`keys`); a key two concepts
        # share gives the first of them, as the search in `_batch` does.
        self._concept_of: dict[int, int] = {}
        for word, concept in zip(self._members.tolist(), self._concept.tolist(), strict=True):
            self._concept_of.setdefault(word, concept)
        # The sorted word keys end in NO_KEY, so a search lands on an element (`keys`);
        # `words` is a view without it.
        self._words_end = np.append(words[~np.isin(words, STOP_WORD_KEYS)], NO_KEY)
        self.words = self._words_end[:-1]
        # Most windows of a text are no word at all: a bitmap of the words' low bits rules them
        # out in one array lookup before the exact (binary) search.
        self._maybe = np.zeros(_BITMAP_SIZE, dtype=bool)
        self._maybe[self.words & (_BITMAP_SIZE - 1)] = True
        self._stop_char_keys = {int(c) | _CHAR_BITS for c in _STOP_CHARS}
        # Every feature of the generic ways of asking: indexes count these for little.
        self.generic = distinct(self.batch(LEXICON["generic"].split())[1])

    def is_word(self, text: str) -> bool:
        """Whether `text` is a word of the dictionary (everyday words and the domain's)."""
        keys = word_keys([text])
        if not len(keys) or not len(self.words):
            return False
        at = int(np.searchsorted(self.words, keys[0]))
        return at < len(self.words) and int(self.words[at]) == int(keys[0])

    def batch(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(text number, feature key) for every feature of every text; a feature a text has twice
        appears twice, and the pairs are in no particular order."""
        if len(texts) <= _CHUNK:
            return self._batch(texts)
        # In chunks: the temporaries of one huge batch would cost hundreds of megabytes.
        owners, keys = [], []
        for first in range(0, len(texts), _CHUNK):
            chunk_owners, chunk_keys = self._batch(texts[first : first + _CHUNK])
            owners.append(chunk_owners + first)
            keys.append(chunk_keys)
        return np.concatenate(owners), np.concatenate(keys)

    def _batch(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        points, owner = code_points(texts)
        is_cjk = (points >= CJK_FIRST) & (points <= CJK_LAST)
        owners, keys = [], []
        cjk = np.flatnonzero(is_cjk)
        single = cjk[~np.isin(points[cjk], _STOP_CHARS)]
        owners.append(owner[single])
        keys.append(points[single] | (CHAR << SHIFT))
        pairs = cjk_windows(is_cjk, 2)
        first, second = points[pairs], points[pairs + 1]
        owners += [owner[pairs], owner[pairs]]
        keys.append((first << 16) | second | (BIGRAM << SHIFT))
        syllables = _syllables()[0]
        keys.append(
            (syllables[first - CJK_FIRST] << 16) | syllables[second - CJK_FIRST] | (PINYIN << SHIFT)
        )
        for length in range(2, MAX_WORD + 1):
            starts = cjk_windows(is_cjk, length)
            hashes = word_hash(points, starts, length)
            maybe = self._maybe[hashes & (_BITMAP_SIZE - 1)]
            starts, hashes = starts[maybe], hashes[maybe]
            found = np.searchsorted(self.words, hashes).clip(max=len(self.words) - 1)
            known = self.words[found] == hashes
            owners.append(owner[starts[known]])
            keys.append(hashes[known])
            if len(self._members):
                found = hashes[known]
                at = np.searchsorted(self._members, found).clip(max=len(self._members) - 1)
                member = self._members[at] == found
                owners.append(owner[starts[known][member]])
                keys.append(self._concept[at[member]])
        latin = [
            (number, _latin_key(_stem(word)))
            for number, text in enumerate(texts)
            if _HAS_LATIN.search(text)
            for word in _LATIN_WORD.findall(text)
            if word not in _STOP_WORDS
        ]
        if latin:
            owners.append(np.array([n for n, _ in latin], dtype=np.int64))
            keys.append(np.array([k for _, k in latin], dtype=np.int64))
        return np.concatenate(owners), np.concatenate(keys)

    def keys(self, text: str) -> np.ndarray:
        """The distinct feature keys of one text, sorted: the same keys as `batch`, worked out
        in plain Python, which for one short message is several times quicker than a dozen
        array operations on tiny arrays."""
        keys: set[int] = set()
        windows: list[int] = []
        syllables = _syllable_list()
        for run in _CJK_RUN.findall(text):
            points = [ord(c) for c in run]
            keys.update(p | _CHAR_BITS for p in points)
            keys.update((a << 16) | b | _BIGRAM_BITS for a, b in pairwise(points))
            sounds = [syllables[p - CJK_FIRST] for p in points]
            keys.update((a << 16) | b | _PINYIN_BITS for a, b in pairwise(sounds))
            windows += _window_hashes(points)
        keys -= self._stop_char_keys
        if windows:
            hashes = np.array(windows, dtype=np.int64)
            hashes = hashes[self._maybe[hashes & (_BITMAP_SIZE - 1)]]
            known = hashes[self._words_end[self.words.searchsorted(hashes)] == hashes].tolist()
            keys.update(known)
            concept_of = self._concept_of
            keys.update(concept_of[k] for k in known if k in concept_of)
        if _HAS_LATIN.search(text):
            keys.update(
                _latin_key(_stem(w)) for w in _LATIN_WORD.findall(text) if w not in _STOP_WORDS
            )
        return np.array(sorted(keys), dtype=np.int64)


def _window_hashes(points: list[int]) -> list[int]:
    """`word_hash` of every window of 2..MAX_WORD of one run of CJK code points, in Python."""
    hashes: list[int] = []
    digests = points
    for length in range(2, MAX_WORD + 1):
        digests = [
            ((d * 1_000_003) & _MASK64) ^ p
            for d, p in zip(digests, points[length - 1 :], strict=False)
        ]
        # Masking to LOW first is masking to 64 bits and then to LOW: length is below LOW.
        hashes += [(((d * 0x9E3779B97F4A7C15) & LOW) ^ length) | _WORD_BITS for d in digests]
    return hashes


def kind_of(keys: np.ndarray) -> np.ndarray:
    return keys >> SHIFT


def _stem(word: str) -> str:
    """Plural endings, enough for short English questions ("training" must not become "train")."""
    for suffix in ("es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word
