"""Key terms: the things a question can be about, and which classes explain them.

A term is a word of 2..MAX_TERM characters from the knowledge base's own vocabulary (entry
keywords and title pieces), the concept table, the other offices' keywords (out_of_scope.yaml)
or the veterans' anchor words (lexicon.yaml). A question's terms are the longest ones found in
it (养老服务站, not 服务站); a class explains a term when one of its phrasings uses the term or
another word of the same concept, and owns it when its title or keywords do. Understanding uses
this to ask whether the entry it would answer with is about what the question is about.

Finding terms is hashing windows of the text (numpy, all texts at once), so indexing a
10,000-entry knowledge base does not loop over its texts in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from intents.features import CJK_FIRST, CJK_LAST, cjk_windows, code_points, word_hash

MAX_TERM = 8
MIN_TERM = 2


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    concept: int  # terms of one concept share it
    office: str | None  # the out-of-scope domain this term belongs to, if any
    anchor: bool  # says the question is about veterans or soldiers
    person: bool = False  # says who (退役军人, 烈属), never what is asked about
    relative: bool = False  # a family member who is not the veteran (孙子, 老婆, 军属)


@dataclass(frozen=True, slots=True)
class Found:
    term: Term
    start: int
    id: int
    inner: tuple[Found, ...] = ()  # shorter terms inside this one (社保 in 社保缴费)

    @property
    def end(self) -> int:
        return self.start + len(self.term.text)


def _is_term(text: str) -> bool:
    """Chinese words, and digits for hotline numbers (12345); never Latin words."""
    return MIN_TERM <= len(text) <= MAX_TERM and all(
        CJK_FIRST <= ord(c) <= CJK_LAST or "0" <= c <= "9" for c in text
    )


def _whole(text: str, start: int, length: int) -> bool:
    """Whether the term at `start` stands whole: a number is not a term inside a longer one
    (the hotline 12345 in the phone number 13812345678)."""
    if not text[start].isdigit():
        return True
    end = start + length
    return not (start > 0 and text[start - 1].isdigit()) and not (
        end < len(text) and text[end].isdigit()
    )


_Span = tuple[int, int, int]  # a found term's start, end and length


def _inside(small: _Span, big: _Span) -> bool:
    return big[0] <= small[0] and small[1] <= big[1] and big[2] > small[2]


def _crosses(small: _Span, big: _Span) -> bool:
    """Only a two-character term half inside a longer one: longer terms that share
    characters (事业单位退休|退休人员) are both meant."""
    return (
        small[2] == MIN_TERM
        and big[2] > MIN_TERM
        and small[0] < big[1]
        and big[0] < small[1]
        and not _inside(small, big)
    )


class TermTable:
    """Every term with its concept, office and anchor flag, and a hash lookup to find them."""

    def __init__(
        self,
        topic_words: Sequence[str],
        concepts: dict[str, str],
        offices: dict[str, str],
        anchors: Sequence[str],
        ignore: Sequence[str] = (),
        people: Sequence[str] = (),
        others: Sequence[str] = (),
        relatives: Sequence[str] = (),
    ) -> None:
        """`offices` maps a word to its domain; `anchors` say a question is about veterans, and
        `people` (anchors too) say about whom; `others` say it is about people other offices
        serve (职工, 警察); `relatives` say who too: a family member, not the veteran (孙子);
        `ignore` are generic words that are never terms."""
        skip = set(ignore)
        texts = dict.fromkeys(
            w
            for w in (*topic_words, *concepts, *offices, *anchors, *people, *others, *relatives)
            if _is_term(w) and w not in skip
        )
        anchor_set = set(anchors) | set(people)
        relative_set = set(relatives)
        person_set = set(people) | set(others) | relative_set
        concept_ids: dict[str, int] = {}
        self.terms: list[Term] = []
        for number, text in enumerate(texts):
            concept = concepts.get(text)
            cid = (
                concept_ids.setdefault(concept, len(texts) + len(concept_ids))
                if concept
                else number
            )
            self.terms.append(
                Term(
                    text,
                    cid,
                    offices.get(text),
                    text in anchor_set,
                    text in person_set,
                    text in relative_set,
                )
            )
        self.concepts = np.array([t.concept for t in self.terms], dtype=np.int64)
        keys = self._keys([t.text for t in self.terms])
        order = np.argsort(keys, kind="stable")
        self._keys_sorted = keys[order]
        self._ids = order.astype(np.int64)
        self._lengths = np.array([len(t.text) for t in self.terms], dtype=np.int64)
        # Every term and every start of one (of MIN_TERM characters or more): the term's number
        # (None for a start only) and whether a longer term starts with it, so `find` looks a
        # substring up once and stops lengthening it as soon as no term starts with it.
        starts = {t.text[:end] for t in self.terms for end in range(MIN_TERM, len(t.text))}
        by_text = {t.text: number for number, t in enumerate(self.terms)}
        self._pieces: dict[str, tuple[int | None, bool]] = {
            piece: (by_text.get(piece), piece in starts) for piece in (*by_text, *starts)
        }

    @staticmethod
    def _keys(words: Sequence[str]) -> np.ndarray:
        keys = np.zeros(len(words), dtype=np.int64)
        for length in range(MIN_TERM, MAX_TERM + 1):
            group = [i for i, w in enumerate(words) if len(w) == length]
            if group:
                points = np.frombuffer(
                    "".join(words[i] for i in group).encode("utf-32-le"), dtype=np.uint32
                ).astype(np.int64)
                keys[group] = word_hash(points, np.arange(0, len(points), length), length)
        return keys

    def find_many(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(text number, term id, start in its text) of every term occurrence in `texts`."""
        if not texts or not self.terms:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        points, owner = code_points(texts)
        first = np.concatenate(([0], np.flatnonzero(points == 0)[:-1] + 1))
        is_digit = (points >= 48) & (points <= 57)
        is_cjk = (points >= CJK_FIRST) & (points <= CJK_LAST) | is_digit
        empty = np.zeros(0, dtype=np.int64)
        owners, ids, starts = [empty], [empty], [empty]
        for length in range(MIN_TERM, MAX_TERM + 1):
            at = cjk_windows(is_cjk, length)
            if not len(at):
                break
            hashes = word_hash(points, at, length)
            where = np.searchsorted(self._keys_sorted, hashes).clip(max=len(self._keys_sorted) - 1)
            hit = self._keys_sorted[where] == hashes
            term = self._ids[where[hit]]
            # A hash collision with a term of another length would be a false find.
            right = self._lengths[term] == length
            at, term = at[hit][right], term[right]
            # A number is a term only whole: 12345 (the hotline), not inside 13812345678.
            before = np.where(at > 0, is_digit[(at - 1).clip(min=0)], False)
            after = is_digit[(at + length).clip(max=len(points) - 1)]
            whole = ~(is_digit[at] & (before | after))
            at, term = at[whole], term[whole]
            owners.append(owner[at])
            ids.append(term)
            starts.append(at - first[owner[at]])
        return np.concatenate(owners), np.concatenate(ids), np.concatenate(starts)

    def find(self, text: str) -> list[Found]:
        """The longest terms of one text, in order: a term inside a longer one found is dropped,
        and so is a two-character one half inside a longer one (机要 across 坐飞机|要, a slip).
        One short text is quicker looked up substring by substring than through arrays."""
        found = []
        pieces = self._pieces
        for start in range(len(text) - MIN_TERM + 1):
            for length in range(MIN_TERM, min(MAX_TERM, len(text) - start) + 1):
                known = pieces.get(text[start : start + length])
                if known is None:
                    break
                number, longer = known
                if number is not None and _whole(text, start, length):
                    found.append(Found(self.terms[number], start, number))
                if not longer:
                    break
        found.sort(key=lambda f: (f.start, -len(f.term.text)))
        spans = [(f.start, f.end, len(f.term.text)) for f in found]
        return [
            Found(
                f.term,
                f.start,
                f.id,
                tuple(o for o, s in zip(found, spans, strict=True) if _inside(s, span)),
            )
            for f, span in zip(found, spans, strict=True)
            if not any(_inside(span, s) or _crosses(span, s) for s in spans)
        ]


class Explainers:
    """Which classes explain (phrasings) and own (title, keywords) which concepts."""

    def __init__(
        self,
        table: TermTable,
        n_classes: int,
        texts: Sequence[str],
        text_class: np.ndarray,
        owned_texts: Sequence[str],
        owned_class: np.ndarray,
    ) -> None:
        self.table = table
        self.width = int(table.concepts.max()) + 1 if len(table.concepts) else 1
        self._explained = self._pairs(texts, text_class)
        self._owned = self._pairs(owned_texts, owned_class)
        self.n_classes = n_classes

    def _pairs(self, texts: Sequence[str], text_class: np.ndarray) -> np.ndarray:
        owner, ids, _ = self.table.find_many(texts)
        if not len(ids):
            return np.zeros(0, dtype=np.int64)
        pairs = text_class[owner] * self.width + self.table.concepts[ids]
        return np.unique(pairs)

    @staticmethod
    def _has(pairs: np.ndarray, keys: np.ndarray) -> np.ndarray:
        if not len(pairs):
            return np.zeros(len(keys), dtype=bool)
        # np.minimum, not .clip: the same numbers without clip's checks in Python.
        at = np.minimum(pairs.searchsorted(keys), len(pairs) - 1)
        return np.asarray(pairs[at] == keys)

    def explains(self, klass: int, found: Sequence[Found]) -> list[bool]:
        keys = np.array([klass * self.width + f.term.concept for f in found], dtype=np.int64)
        return [bool(x) for x in self._has(self._explained, keys)]

    def owns(self, klass: int, found: Sequence[Found]) -> list[bool]:
        keys = np.array([klass * self.width + f.term.concept for f in found], dtype=np.int64)
        return [bool(x) for x in self._has(self._owned, keys)]
