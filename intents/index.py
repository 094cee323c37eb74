"""The match index: every class (a knowledge-base entry or an '@intent') with its phrasings,
scored two ways — the class as one BM25 document, and its single best phrasing (weighted Dice) —
plus the pinyin spelling of that phrasing, for homophone typos.

Phrasings are stored as one compressed sparse row matrix of feature ids (numpy arrays), so a
10,000-entry knowledge base fits in tens of megabytes and a query touches only the classes its
rarer features point at.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from intents.features import KIND_WEIGHTS, Featurizer, distinct, kind_of, pinyin_string
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


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The concatenation of arange(start, end) for each pair, without a Python loop."""
    sizes = ends - starts
    total = int(sizes.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(sizes)[:-1])), sizes)
    return np.arange(total, dtype=np.int64) + offsets


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
        self.pinyins = [pinyin_string(text) for text in self.texts]
        self.pinyin_lengths = np.array([len(p) for p in self.pinyins], dtype=np.int64)
        self._local = threading.local()
        self._link(*featurizer.batch(self.texts))
        self._weigh()

    def _link(self, owners: np.ndarray, keys: np.ndarray) -> None:
        """The phrasing x feature matrix, each (phrasing, feature) once, rows in order.
        Temporaries are dropped as soon as they are used: at 10,000 entries each is tens of MB."""
        self.vocab = distinct(keys)
        cells = owners * max(len(self.vocab), 1)
        del owners
        cells += np.searchsorted(self.vocab, keys)
        del keys
        cells = distinct(cells)
        size = max(len(self.vocab), 1)
        rows = np.bincount(cells // size, minlength=len(self.texts))
        self.indptr = np.concatenate(([0], np.cumsum(rows)))
        self.indices = (cells % size).astype(np.int32)

    def _weigh(self) -> None:
        n_classes, n_features = len(self.names), len(self.vocab)
        text_class = np.repeat(np.arange(n_classes, dtype=np.int64), np.diff(self.class_ptr))
        combined = self.indices.astype(np.int64) * n_classes
        combined += np.repeat(text_class, np.diff(self.indptr))
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
        self.post_ptr = np.concatenate(
            ([0], np.cumsum(np.bincount(feature[keep], minlength=n_features)))
        )
        weights = self.weight[self.indices]
        self.own = np.add.reduceat(weights, self.indptr[:-1]) if len(weights) else weights

    def _query(self, text: str) -> tuple[np.ndarray, np.ndarray, float]:
        """Known feature ids (sorted) with their weights, and the query's total weight."""
        keys = self.featurizer.keys(text)
        position = np.searchsorted(self.vocab, keys).clip(max=max(len(self.vocab) - 1, 0))
        known = self.vocab[position] == keys if len(self.vocab) else np.zeros(len(keys), bool)
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
        rows = _ranges(self.post_ptr[ids], self.post_ptr[ids + 1])
        if not len(rows):
            return []
        bm25 = np.bincount(
            self.post_class[rows], weights=self.post_value[rows], minlength=len(self.names)
        ) / (total * (K1 + 1))
        count = min(shortlist, len(self.names))
        candidates = np.argpartition(-bm25, count - 1)[:count]
        chosen = candidates[bm25[candidates] > 0]
        matches = self._phrasings(chosen, bm25, ids, weights, total, pinyin_string(text))
        matches.sort(key=lambda m: (-m.score, m.name))
        return matches[:limit]

    def _phrasings(
        self,
        shortlist: np.ndarray,
        bm25: np.ndarray,
        ids: np.ndarray,
        weights: np.ndarray,
        total: float,
        query_pinyin: str,
    ) -> list[ClassMatch]:
        rows = _ranges(self.class_ptr[shortlist], self.class_ptr[shortlist + 1])
        starts, ends = self.indptr[rows], self.indptr[rows + 1]
        features = self.indices[_ranges(starts, ends)]
        # The query's weights spread over a vocabulary-sized array, so each phrasing feature is
        # one lookup instead of a binary search (this is most of the time of a question).
        lookup = self._scratch()
        lookup[ids] = weights
        hit = lookup[features]
        lookup[ids] = 0.0
        overlap = np.add.reduceat(hit, np.concatenate(([0], np.cumsum(ends - starts)[:-1])))
        dice = 2 * overlap / (total + self.own[rows])
        sizes = self.class_ptr[shortlist + 1] - self.class_ptr[shortlist]
        segment = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        best_dice = np.maximum.reduceat(dice, segment)
        owner = np.repeat(np.arange(len(shortlist)), sizes)
        first_best = np.flatnonzero(dice == best_dice[owner])
        _, where = np.unique(owner[first_best], return_index=True)
        best_row = rows[first_best[where]]
        best_pinyin = self._pinyin(rows, dice, owner, len(shortlist), query_pinyin)
        scores = fuse_many(bm25[shortlist], best_dice, best_pinyin)
        return [
            ClassMatch(
                self.names[int(shortlist[i])],
                float(bm25[shortlist[i]]),
                float(best_dice[i]),
                float(best_pinyin[i]),
                float(scores[i]),
                self.texts[int(best_row[i])],
            )
            for i in range(len(shortlist))
        ]

    def _scratch(self) -> np.ndarray:
        """A zeroed array of the vocabulary's size, one per thread (understanding runs in
        worker threads); callers put values in and take them out again."""
        lookup: np.ndarray | None = getattr(self._local, "lookup", None)
        if lookup is None:
            lookup = np.zeros(len(self.vocab), dtype=np.float64)
            self._local.lookup = lookup
        return lookup

    def _pinyin(
        self, rows: np.ndarray, dice: np.ndarray, owner: np.ndarray, n: int, query: str
    ) -> np.ndarray:
        """Each shortlisted class's best pinyin similarity to the query. Only phrasings of a
        length that could reach PINYIN_NEAR are compared, the best PINYIN_ROWS by dice."""
        best = np.zeros(n)
        if not query:
            return best
        lengths = self.pinyin_lengths[rows]
        near = np.flatnonzero(
            (lengths >= len(query) * PINYIN_SHORTER) & (lengths <= len(query) * PINYIN_LONGER)
        )
        if len(near) > PINYIN_ROWS:
            near = near[np.argpartition(-dice[near], PINYIN_ROWS - 1)[:PINYIN_ROWS]]
        if not len(near):
            return best
        similar = process.cdist([query], [self.pinyins[r] for r in rows[near]], scorer=fuzz.ratio)
        np.maximum.at(best, owner[near], similar[0] / 100)
        return best
