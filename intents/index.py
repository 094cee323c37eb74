"""The match index: every class (a knowledge-base entry or an '@intent') with its phrasings,
scored two ways — the class as one BM25 document, and its single best phrasing (weighted Dice) —
plus the pinyin spelling of that phrasing, for homophone typos.

Phrasings are stored by feature (numpy arrays): each feature's BM25 postings, one per class
that has it, and the phrasings behind each posting, so a 10,000-entry knowledge base fits in
tens of megabytes and a query touches only the postings of its own features, and for the
phrasing signal only those of the shortlisted classes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Indel

from intents.features import (
    KIND_WEIGHTS,
    NO_KEY,
    Featurizer,
    distinct,
    kind_of,
    pinyin_string,
)
from intents.normalize import normalize_many

K1 = 1.2
B = 0.6
SHORTLIST = 16
# A feature in more than this share of classes says almost nothing about any one of them; it
# keeps a trace of weight so that a message made only of such words ("what can you do") can
# still match a phrasing that is exactly that.
COMMON_SHARE = 0.25
COMMON_WEIGHT = 0.1
GENERIC_WEIGHT = 0.15
UNKNOWN_SHARE = 0.5
PINYIN_NEAR = 0.7  # a pinyin similarity above this is a homophone spelling of the phrasing
# fuzz.ratio can pass PINYIN_NEAR only between strings of about the same length.
PINYIN_SHORTER, PINYIN_LONGER = 0.5, 2.0
PINYIN_ROWS = 64


@dataclass(frozen=True, slots=True)
class _Hits:
    """A query's postings: their numbers, classes and the weight of the feature of each."""

    posting: np.ndarray
    klass: np.ndarray
    weight: np.ndarray


@dataclass(frozen=True, slots=True)
class ClassMatch:
    """How one class matched a query: each signal, the fused score and the phrasing behind it."""

    name: str
    bm25: float
    dice: float
    pinyin: float
    score: float
    phrasing: str


def fuse(bm25: float, dice: float, pinyin: float) -> float:
    """One score from the three signals. A near-identical pinyin spelling (a homophone typo of a
    known phrasing) lifts the phrasing signal; the class-wide BM25 keeps unseen wordings in reach."""
    return float(fuse_many(np.array([bm25]), np.array([dice]), np.array([pinyin]))[0])


def fuse_many(bm25: np.ndarray, dice: np.ndarray, pinyin: np.ndarray) -> np.ndarray:
    """`fuse` for arrays of classes."""
    lifted = np.where(pinyin > PINYIN_NEAR, np.maximum(dice, 3.0 * (pinyin - PINYIN_NEAR)), dice)
    return np.asarray(0.5 * bm25 + 0.5 * np.minimum(lifted, 1.0))


def _ranges(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The concatenation of arange(start, start + size) for each pair, without a Python loop."""
    done = sizes.cumsum()
    total = int(done[-1]) if len(done) else 0
    return np.arange(total, dtype=np.int64) + (starts + sizes - done).repeat(sizes)


class MatchIndex:
    def __init__(self, classes: dict[str, list[str]], featurizer: Featurizer) -> None:
        self.featurizer = featurizer
        self.names = list(classes)
        self.texts: list[str] = []
        class_ptr = [0]
        normal = iter(normalize_many([raw for texts in classes.values() for raw in texts]))
        for texts in classes.values():
            unique = dict.fromkeys(t for t in (next(normal) for _ in texts) if t)
            self.texts.extend(unique)
            class_ptr.append(len(self.texts))
        self.class_ptr = np.array(class_ptr, dtype=np.int64)
        self._class_first, self._class_size = self.class_ptr[:-1], np.diff(self.class_ptr)
        self.pinyins = [pinyin_string(text) for text in self.texts]
        self.pinyin_lengths = np.array([len(p) for p in self.pinyins], dtype=np.int64)
        self._link(*featurizer.batch(self.texts))

    def _link(self, owners: np.ndarray, keys: np.ndarray) -> None:
        """The phrasing x feature matrix, each (phrasing, feature) once, rows in order, weighed
        and kept by feature (`_by_feature`). Temporaries are dropped as soon as they are used:
        at 10,000 entries each is tens of MB."""
        # The vocabulary ends in a key no feature has, so a search for any key lands on an
        # element (`_query`, without clipping); `vocab` itself is a view without it.
        self._vocab_end = np.append(distinct(keys), NO_KEY)
        self.vocab = self._vocab_end[:-1]
        cells = owners * max(len(self.vocab), 1)
        del owners
        cells += np.searchsorted(self.vocab, keys)
        del keys
        cells = distinct(cells)
        size = max(len(self.vocab), 1)
        rows = np.bincount(cells // size, minlength=len(self.texts))
        indptr = np.concatenate(([0], np.cumsum(rows)))
        indices = (cells % size).astype(np.int32)
        del cells
        self._weigh(indptr, indices)
        self._by_feature(indptr, indices)

    def _weigh(self, indptr: np.ndarray, indices: np.ndarray) -> None:
        n_classes, n_features = len(self.names), len(self.vocab)
        text_class = np.repeat(np.arange(n_classes, dtype=np.int64), np.diff(self.class_ptr))
        combined = indices.astype(np.int64) * n_classes
        combined += np.repeat(text_class, np.diff(indptr))
        combined.sort()
        starts = np.flatnonzero(np.concatenate(([True], combined[1:] != combined[:-1])))
        pairs = combined[starts]
        tf = np.diff(np.append(starts, len(combined))).astype(np.float64)
        del combined, starts
        feature, klass = pairs // n_classes, (pairs % n_classes).astype(np.int32)
        del pairs
        df = np.bincount(feature, minlength=n_features)
        limit = max(2, int(n_classes * COMMON_SHARE)) if n_classes >= 20 else n_classes
        idf = np.log(1 + (n_classes - df + 0.5) / (df + 0.5))
        self.weight = KIND_WEIGHTS[kind_of(self.vocab)] * idf
        self.weight[df > limit] *= COMMON_WEIGHT
        self.weight[np.isin(self.vocab, self.featurizer.generic)] *= GENERIC_WEIGHT
        # A feature no phrasing has counts half as much as the rarest known one: enough that a
        # question about something else (护照) is not taken for a topic, little enough that
        # everyday chatter around a topic word (另外, 一直) does not drown it.
        self.unknown_idf = UNKNOWN_SHARE * math.log(1 + (n_classes + 0.5) / 0.5)
        lengths = np.bincount(klass, weights=tf, minlength=n_classes)
        norm = K1 * (1 - B + B * lengths / max(float(lengths.mean()), 1.0))
        contribution = self.weight[feature] * tf * (K1 + 1) / (tf + norm[klass])
        keep = contribution > 0
        self.post_class = klass[keep]
        self.post_value = contribution[keep]
        # Each posting's phrasings (those of its class having its feature) are one slice of
        # `feature_rows`, which lists them by feature and then phrasing, as postings are listed.
        self.post_count = tf[keep].astype(np.int32)
        self.post_first = (np.cumsum(tf) - tf)[keep].astype(np.int32)
        self.post_ptr = np.concatenate(
            ([0], np.cumsum(np.bincount(feature[keep], minlength=n_features)))
        )
        self._post_size = np.diff(self.post_ptr)
        weights = self.weight[indices]
        self.own = np.add.reduceat(weights, indptr[:-1]) if len(weights) else weights

    def _by_feature(self, indptr: np.ndarray, indices: np.ndarray) -> None:
        """The phrasings of each feature, features in order and each one's phrasings too."""
        owner = np.repeat(np.arange(len(self.texts), dtype=np.int32), np.diff(indptr))
        self.feature_rows = owner[np.argsort(indices, kind="stable")]

    def _query(self, text: str) -> tuple[np.ndarray, np.ndarray, float]:
        """Known feature ids (sorted) with their weights, and the query's total weight."""
        keys = self.featurizer.keys(text)
        position = self.vocab.searchsorted(keys)
        known = self._vocab_end[position] == keys
        ids = position[known]
        weights = self.weight[ids]
        unknown = float(KIND_WEIGHTS[kind_of(keys[~known])].sum()) * self.unknown_idf
        return ids, weights, float(weights.sum()) + unknown

    def top(self, text: str, limit: int = 8, shortlist: int = SHORTLIST) -> list[ClassMatch]:
        """The best `limit` classes for normalised `text`, best first; `shortlist` classes (by
        BM25) have their phrasings compared, the costly part."""
        ids, weights, total = self._query(text)
        if total <= 0 or not len(ids):
            return []
        sizes = self._post_size[ids]
        postings = _ranges(self.post_ptr[ids], sizes)
        if not len(postings):
            return []
        hits = _Hits(postings, self.post_class[postings], weights.repeat(sizes))
        bm25 = np.bincount(
            hits.klass, weights=self.post_value[postings], minlength=len(self.names)
        ) / (total * (K1 + 1))
        count = min(shortlist, len(self.names))
        candidates = np.argpartition(-bm25, count - 1)[:count]
        chosen = candidates[bm25[candidates] > 0]
        return self._phrasings(chosen, bm25, hits, total, pinyin_string(text), limit)

    def _phrasings(
        self,
        shortlist: np.ndarray,
        bm25: np.ndarray,
        hits: _Hits,
        total: float,
        query_pinyin: str,
        limit: int,
    ) -> list[ClassMatch]:
        """The best `limit` of the shortlisted classes by their phrasings, best first."""
        first, sizes = self._class_first[shortlist], self._class_size[shortlist]
        rows = _ranges(first, sizes)
        segment = sizes.cumsum() - sizes  # where each class's phrasings start in `rows`
        overlap = self._overlap(hits, shortlist, segment - first, len(rows))
        dice = 2 * overlap / (total + self.own[rows])
        best_dice = np.maximum.reduceat(dice, segment)
        owner = np.arange(len(shortlist)).repeat(sizes)
        best = np.flatnonzero(dice == best_dice[owner])
        best_row = rows[best[best.searchsorted(segment)]]  # each class's first best phrasing
        best_pinyin = self._pinyin(rows, dice, segment, query_pinyin)
        shortlisted = bm25[shortlist]
        return _matches(
            [self.names[i] for i in shortlist.tolist()],
            (shortlisted, best_dice, best_pinyin, fuse_many(shortlisted, best_dice, best_pinyin)),
            [self.texts[i] for i in best_row.tolist()],
            limit,
        )

    def _overlap(
        self, hits: _Hits, shortlist: np.ndarray, shifts: np.ndarray, size: int
    ) -> np.ndarray:
        """The summed weight of the query features each shortlisted phrasing has (`size`
        phrasings; a phrasing's place among them is its row plus its class's `shifts`): the
        phrasings of the query's postings of shortlisted classes, nothing else."""
        slot = np.full(len(self.names), -1)
        slot[shortlist] = np.arange(len(shortlist))
        picked = slot[hits.klass]
        keep = picked >= 0
        which = hits.posting[keep]
        counts = self.post_count[which]
        rows = self.feature_rows[_ranges(self.post_first[which], counts)]
        shift = shifts[picked[keep]].repeat(counts)
        return np.bincount(rows + shift, hits.weight[keep].repeat(counts), minlength=size)

    def _pinyin(
        self, rows: np.ndarray, dice: np.ndarray, segment: np.ndarray, query: str
    ) -> np.ndarray:
        """Each shortlisted class's best pinyin similarity to the query (its phrasings start
        at `segment` in `rows`). Only phrasings of a length that could reach PINYIN_NEAR are
        compared, the best PINYIN_ROWS by dice."""
        if not query:
            return np.zeros(len(segment))
        lengths = self.pinyin_lengths[rows]
        near = np.flatnonzero(
            (lengths >= len(query) * PINYIN_SHORTER) & (lengths <= len(query) * PINYIN_LONGER)
        )
        if len(near) > PINYIN_ROWS:
            near = near[np.argpartition(-dice[near], PINYIN_ROWS - 1)[:PINYIN_ROWS]]
        if not len(near):
            return np.zeros(len(segment))
        pinyins = [self.pinyins[r] for r in rows[near].tolist()]
        similar = np.zeros(len(rows))
        similar[near] = _ratios(query, pinyins)
        return np.maximum.reduceat(similar, segment)


def _ratios(query: str, choices: list[str]) -> np.ndarray:
    """fuzz.ratio(query, choice) / 100 for each choice, in float32 as cdist with fuzz.ratio
    gives it: the same numbers from the plain Indel similarity, which cdist works out about
    three times quicker for a few dozen short choices."""
    similarity = process.cdist(
        [query], choices, scorer=Indel.normalized_similarity, dtype=np.float64
    )
    return (similarity[0] * 100).astype(np.float32) / np.float32(100)


def _matches(
    names: list[str], signals: tuple[np.ndarray, ...], phrasings: list[str], limit: int
) -> list[ClassMatch]:
    """The best `limit` classes, best first (`signals`: bm25, dice, pinyin and fused score)."""
    bm25, dice, pinyin, scores = (column.tolist() for column in signals)
    order = sorted(range(len(names)), key=lambda i: (-scores[i], names[i]))[:limit]
    return [
        ClassMatch(names[i], bm25[i], dice[i], pinyin[i], scores[i], phrasings[i]) for i in order
    ]
