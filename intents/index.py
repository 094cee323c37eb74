"""The match index: every class (a knowledge-base entry or an '@intent') with its phrasings,
scored two ways — the class as one BM25 document, and its single best phrasing (weighted Dice)."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from intents.features import Featurizer, kind_weight, pinyin_string
from intents.normalize import normalize

K1 = 1.2
B = 0.6
# A feature in more than this share of classes says nothing about any one of them.
COMMON_SHARE = 0.25


@dataclass(frozen=True, slots=True)
class Phrasing:
    text: str  # normalised
    features: frozenset[str]
    pinyin: str


@dataclass(frozen=True, slots=True)
class ClassMatch:
    """How one class matched a query: each signal, the fused score and the phrasing behind it."""

    name: str
    bm25: float
    dice: float
    pinyin: float
    score: float
    phrasing: str


class MatchIndex:
    def __init__(self, classes: dict[str, list[str]], featurizer: Featurizer) -> None:
        self.featurizer = featurizer
        self.names = list(classes)
        self.phrasings: list[list[Phrasing]] = []
        class_tf: list[Counter[str]] = []
        for texts in classes.values():
            seen: dict[str, Phrasing] = {}
            for raw in texts:
                text = normalize(raw)
                if text and text not in seen:
                    seen[text] = Phrasing(text, featurizer.features(text), pinyin_string(text))
            phrasings = list(seen.values())
            self.phrasings.append(phrasings)
            class_tf.append(Counter(f for p in phrasings for f in p.features))
        self._build_postings(class_tf)
        self.own = [[self._own(p) for p in phrasings] for phrasings in self.phrasings]

    def _own(self, phrasing: Phrasing) -> float:
        return sum(self.query_weight(f) for f in phrasing.features)

    def _build_postings(self, class_tf: list[Counter[str]]) -> None:
        n = len(class_tf)
        df: Counter[str] = Counter(f for tf in class_tf for f in tf)
        lengths = np.array([sum(tf.values()) for tf in class_tf], dtype=np.float64)
        avg = float(lengths.mean()) if n else 1.0
        limit = max(2, int(n * COMMON_SHARE)) if n >= 20 else n
        self.weight: dict[str, float] = {}
        self.unknown_idf = math.log(1 + (n + 0.5) / 0.5)
        postings: dict[str, tuple[list[int], list[float]]] = {}
        for feature, count in df.items():
            if count > limit:
                continue  # too common to tell classes apart: neither counted nor held against
            idf = math.log(1 + (n - count + 0.5) / (count + 0.5))
            self.weight[feature] = kind_weight(feature) * idf
        for index, tf in enumerate(class_tf):
            norm = K1 * (1 - B + B * lengths[index] / avg)
            for feature, count in tf.items():
                weight = self.weight.get(feature)
                if weight is None:
                    continue
                ids, values = postings.setdefault(feature, ([], []))
                ids.append(index)
                values.append(weight * count * (K1 + 1) / (count + norm))
        self.common = frozenset(f for f, count in df.items() if count > limit)
        self.postings = {
            f: (np.array(ids, dtype=np.int32), np.array(vals, dtype=np.float64))
            for f, (ids, vals) in postings.items()
        }

    def query_weight(self, feature: str) -> float:
        """Weight of a query feature; one no class has ever used counts as fully informative."""
        if feature in self.common:
            return 0.0
        return self.weight.get(feature, kind_weight(feature) * self.unknown_idf)

    def top(self, text: str, limit: int = 8) -> list[ClassMatch]:
        """The best `limit` classes for normalised `text`, best first."""
        features = self.featurizer.features(text)
        weights = {f: self.query_weight(f) for f in features}
        total = sum(weights.values())
        if total <= 0 or not self.names:
            return []
        hits = [self.postings[f] for f in features if f in self.postings]
        if not hits:
            return []
        ids = np.concatenate([h[0] for h in hits])
        values = np.concatenate([h[1] for h in hits])
        bm25 = np.bincount(ids, weights=values, minlength=len(self.names)) / (total * (K1 + 1))
        count = min(limit * 3, len(self.names))
        shortlist = np.argpartition(-bm25, count - 1)[:count]
        query_pinyin = pinyin_string(text)
        matches = [
            self._match(int(i), float(bm25[i]), features, weights, total, query_pinyin)
            for i in shortlist
            if bm25[i] > 0
        ]
        matches.sort(key=lambda m: (-m.score, m.name))
        return matches[:limit]

    def _match(
        self,
        index: int,
        bm25: float,
        features: frozenset[str],
        weights: dict[str, float],
        total: float,
        query_pinyin: str,
    ) -> ClassMatch:
        best_dice, best_text, best_pinyin = 0.0, "", 0.0
        for phrasing, own in zip(self.phrasings[index], self.own[index], strict=True):
            shared = features & phrasing.features
            if not shared:
                continue
            overlap = sum(weights[f] for f in shared)
            dice = 2 * overlap / (total + own) if total + own else 0.0
            if dice > best_dice:
                best_dice, best_text = dice, phrasing.text
            if query_pinyin and phrasing.pinyin:
                best_pinyin = max(best_pinyin, fuzz.ratio(query_pinyin, phrasing.pinyin) / 100)
        score = fuse(bm25, best_dice, best_pinyin)
        return ClassMatch(self.names[index], bm25, best_dice, best_pinyin, score, best_text)


def fuse(bm25: float, dice: float, pinyin: float) -> float:
    """One score from the three signals. A near-identical pinyin spelling (a homophone typo of a
    known phrasing) lifts the phrasing signal; the class-wide BM25 keeps unseen wordings in reach."""
    phrasing = max(dice, 2.5 * (pinyin - 0.6)) if pinyin > 0.6 else dice
    return 0.5 * bm25 + 0.5 * min(phrasing, 1.0)
